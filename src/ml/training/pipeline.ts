/** The whole fine-tuning pipeline over decoded images: used by the CLI and the tests (and the studio's worker). */
import * as tf from '@tensorflow/tfjs';
import type { Backbone } from '../runtime/backbone';
import type { Dataset } from '../core/dataset';
import { applyFrozen, extractFeatures, fitStandardizer, foldStandardizer, standardize, subset, type FeatureSet, type Standardizer } from './features';
import { augmentImage, type RgbImage } from '../runtime/preprocess';
import { mulberry32 } from '../core/random';
import { modelBetween, modelUpTo } from '../runtime/graph';
import { lastConvBlock, planFor, type Plan } from '../core/surgery';
import { type Strategy } from '../core/vocab';
import { cachedSource, createHead, evaluate, trainHead, type Body, type EvalResult, type Head, type TrainCallbacks, type TrainResult } from './loop';
import { type TrainConfig } from '../core/vocab';

export interface FineTuneOptions extends TrainCallbacks {
  strategy: Strategy;
  config: TrainConfig;
  /** Decoded pixels of item i, or null when it could not be read (skipped and counted). */
  image: (i: number) => RgbImage | null | Promise<RgbImage | null>;
  featureBatch?: number;
  onFeatures?: (done: number, total: number) => void;
  /**
   * Standardise the head's input features on the training split (default true): raw trunk
   * features can be large (‖x‖ ≈ 67 for SqueezeNet), which makes SGD at lr 0.01 oscillate.
   * The statistics are folded into the first head layer afterwards, so nothing changes for
   * whoever uses the exported model.
   */
  standardize?: boolean;
  /** Trunk features computed earlier for the same model, dataset and preprocessing. */
  cachedTrunk?: TrunkCache;
  /** Called once freshly computed trunk features are complete, before training (to cache them even if the run dies). */
  onTrunkReady?: (trunk: TrunkCache) => Promise<void> | void;
}

export interface TrunkCache {
  x: Float32Array;
  dim: number;
  used: number[];
  /** Augmented views of the training images: `v` rows per entry of `items`. */
  aug?: { v: number; x: Float32Array; items: number[] };
}

export interface FineTuneResult {
  plan: Plan;
  head: Head;
  train: TrainResult;
  evaluation: EvalResult;
  /** Indices (into dataset.items) actually used, train then validation. */
  trainItems: number[];
  valItems: number[];
  unreadable: number;
  featureMs: number;
  trunk: TrunkCache;
  fromCache: boolean;
  /** With unfreezeBlock: the block's layers and weights (original, last epoch, best epoch). */
  block?: { layers: string[]; original: Float32Array[]; last: Float32Array[]; best: Float32Array[] | null };
}

/** One array from chunks, in order. */
function concatChunks(chunks: Float32Array[]): Float32Array {
  const out = new Float32Array(chunks.reduce((a, c) => a + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/**
 * Items [start, start + bs) decoded (a batch at a time: 4,000 decoded paintings would hold
 * ~800 MB); unreadable ones are left out and counted, never fed to the network.
 */
async function decodeBatch(o: FineTuneOptions, n: number, start: number, bs: number) {
  if (o.shouldStop?.()) throw new Error('stopped while computing features');
  const idx: number[] = [];
  const pixels: RgbImage[] = [];
  let unreadable = 0;
  for (let i = start; i < Math.min(start + bs, n); i++) {
    let img: RgbImage | null = null;
    try {
      img = await o.image(i);
    } catch {
      img = null;
    }
    if (img) {
      idx.push(i);
      pixels.push(img);
    } else unreadable++;
  }
  return { idx, pixels, unreadable };
}

/** Row-major outputs of `layer` for every readable item, decoded a batch at a time. */
async function layerRows(model: tf.LayersModel, layer: string, ds: Dataset, bs: number, preprocess: (p: RgbImage) => tf.Tensor4D, o: FineTuneOptions) {
  const lower = modelUpTo(model, layer);
  const used: number[] = [];
  const chunks: Float32Array[] = [];
  let unreadable = 0;
  for (let start = 0; start < ds.items.length; start += bs) {
    const { idx, pixels, unreadable: bad } = await decodeBatch(o, ds.items.length, start, bs);
    unreadable += bad;
    if (pixels.length) {
      const t = tf.tidy(() => {
        const a = lower.predict(tf.concat(pixels.map(preprocess))) as tf.Tensor;
        return a.reshape([a.shape[0]!, -1]);
      });
      chunks.push((await t.data()) as Float32Array);
      t.dispose();
      used.push(...idx);
    }
    o.onFeatures?.(Math.min(start + bs, ds.items.length), ds.items.length);
  }
  const x = concatChunks(chunks);
  return { x, dim: used.length ? x.length / used.length : 0, used, unreadable };
}

/**
 * "Also unfreeze the last conv block": the block's input is cached (in memory), and the block,
 * the frozen layers after it and the new head train together, the block at a smaller rate.
 * The shared model's weights are put back afterwards; the trained ones travel with the result.
 */
async function fineTuneWithBlock(backbone: Backbone, ds: Dataset, plan: Plan, o: FineTuneOptions): Promise<FineTuneResult> {
  const model = backbone.model;
  const block = lastConvBlock(model, plan.trunkLayer);
  const t0 = performance.now();
  const rows = await layerRows(model, block.input, ds, o.featureBatch ?? 32, (p) => backbone.preprocess(p), o);
  const featureMs = performance.now() - t0;
  const inShape = (modelUpTo(model, block.input).outputs[0]!.shape.slice(1) as number[]);
  const upper = modelBetween(model, block.input, plan.trunkLayer);
  const frozen = plan.frozen.map((n) => model.getLayer(n));
  const blockLayers = block.layers.map((n) => model.getLayer(n));
  const read = () => blockLayers.flatMap((l) => l.getWeights().map((w) => (w.dataSync() as Float32Array).slice()));
  const write = (arrays: Float32Array[]) => {
    let k = 0;
    for (const l of blockLayers) l.setWeights(l.getWeights().map((w) => tf.tensor(arrays[k++]!, w.shape)));
  };
  const original = read();
  const features = (x: tf.Tensor2D): tf.Tensor2D => {
    const a = upper.apply(x.reshape([-1, ...inShape])) as tf.Tensor;
    let h: tf.Tensor = plan.pool === 'gap' && a.rank === 4 ? a.mean([1, 2]) : a.reshape([a.shape[0]!, -1]);
    for (const l of frozen) h = l.apply(h) as tf.Tensor;
    return h as tf.Tensor2D;
  };
  const all: FeatureSet = { x: rows.x, dim: rows.dim, n: rows.used.length, y: Int32Array.from(rows.used.map((i) => ds.items[i]!.label)) };
  const tr: number[] = [];
  const va: number[] = [];
  rows.used.forEach((item, k) => (ds.items[item]!.split === 'val' ? va : tr).push(k));
  if (tr.length === 0 || va.length === 0) throw new Error('both the training and the validation split need images');
  const trainSet = subset(all, tr);
  const valSet = subset(all, va);
  // Standardise with statistics of the block's initial outputs (a fixed affine map, folded at the end).
  const initial: Float32Array[] = [];
  let featDim = 0;
  for (let s = 0; s < trainSet.n; s += 64) {
    const n = Math.min(64, trainSet.n - s);
    const f = tf.tidy(() => features(tf.tensor2d(trainSet.x.subarray(s * trainSet.dim, (s + n) * trainSet.dim), [n, trainSet.dim])));
    featDim = f.shape[1];
    initial.push((await f.data()) as Float32Array);
    f.dispose();
  }
  const flat = concatChunks(initial);
  const stats = fitStandardizer({ x: flat, dim: featDim, n: trainSet.n, y: trainSet.y });
  const mean = tf.tensor1d(stats.mean);
  const std = tf.tensor1d(stats.std);
  const body: Body = {
    forward: (x) => tf.tidy(() => features(x).sub(mean).div(std) as tf.Tensor2D),
    variables: blockLayers.flatMap((l) => l.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val)),
  };
  const head = createHead(model, plan, featDim, o.config.seed);
  try {
    const result = await trainHead(head, cachedSource(trainSet), valSet, ds.classes.length, o.config, o, body);
    const evaluation = await evaluate(head, valSet, ds.classes.length, 256, body);
    const last = read();
    const nHead = head.variables.length;
    const best = result.bestWeights ? result.bestWeights.slice(nHead) : null;
    write(original);
    const units = head.layers[0]!.w.shape[1]!;
    const now = head.snapshot();
    foldStandardizer(now[0]!, now[1]!, units, stats);
    head.restore(now);
    if (result.bestWeights) foldStandardizer(result.bestWeights[0]!, result.bestWeights[1]!, units, stats);
    return {
      plan,
      head,
      train: result,
      evaluation,
      trainItems: tr.map((k) => rows.used[k]!),
      valItems: va.map((k) => rows.used[k]!),
      unreadable: rows.unreadable,
      featureMs,
      trunk: { x: new Float32Array(0), dim: 0, used: [] },
      fromCache: false,
      block: { layers: block.layers, original, last, best },
    };
  } catch (e) {
    write(original);
    head.dispose();
    throw e;
  } finally {
    tf.dispose([mean, std]);
  }
}

/** Puts a run's trained block weights into the model for `fn` (e.g. an export), then the originals back. */
export async function withBlockWeights<T>(model: tf.LayersModel, r: FineTuneResult, which: 'best' | 'last', fn: () => T | Promise<T>): Promise<T> {
  if (!r.block) return fn();
  const layers = r.block.layers.map((n) => model.getLayer(n));
  const set = (arrays: Float32Array[]) => {
    let k = 0;
    for (const l of layers) l.setWeights(l.getWeights().map((w) => tf.tensor(arrays[k++]!, w.shape)));
  };
  set(which === 'best' && r.block.best ? r.block.best : r.block.last);
  try {
    return await fn();
  } finally {
    set(r.block.original);
  }
}

export async function fineTune(backbone: Backbone, ds: Dataset, o: FineTuneOptions): Promise<FineTuneResult> {
  const plan = planFor(backbone.model, backbone.meta, o.strategy, ds.classes.length);
  if (o.config.unfreezeBlock) return fineTuneWithBlock(backbone, ds, plan, o);
  const t0 = performance.now();
  let trunk = o.cachedTrunk;
  const fromCache = !!trunk;
  let unreadable = 0;
  if (!trunk) {
    const bs = o.featureBatch ?? 32;
    const used: number[] = [];
    const chunks: Float32Array[] = [];
    const views = Math.max(0, Math.round(o.config.augmentViews ?? 0));
    const augRand = mulberry32(o.config.seed ^ 0xa116);
    const augChunks: Float32Array[] = [];
    const augItems: number[] = [];
    let dim = 0;
    for (let start = 0; start < ds.items.length; start += bs) {
      const { idx, pixels, unreadable: bad } = await decodeBatch(o, ds.items.length, start, bs);
      unreadable += bad;
      if (pixels.length) {
        const { x, dim: d } = await extractFeatures(backbone.model, plan, pixels.length, () =>
          tf.tidy(() => tf.concat(pixels.map((p) => backbone.preprocess(p))) as tf.Tensor4D),
        { batchSize: pixels.length });
        dim = d;
        chunks.push(x);
        used.push(...idx);
        if (views > 0) {
          const trainK = idx.map((item, k) => (ds.items[item]!.split === 'val' ? -1 : k)).filter((k) => k >= 0);
          if (trainK.length) {
            const { x: ax } = await extractFeatures(backbone.model, plan, trainK.length * views, () =>
              tf.tidy(() => tf.concat(trainK.flatMap((k) => Array.from({ length: views }, () => augmentImage(pixels[k]!, backbone.meta.inputSize, backbone.meta.preprocess, augRand)))) as tf.Tensor4D),
            { batchSize: trainK.length * views });
            augChunks.push(ax);
            augItems.push(...trainK.map((k) => idx[k]!));
          }
        }
      }
      o.onFeatures?.(Math.min(start + bs, ds.items.length), ds.items.length);
    }
    trunk = { x: concatChunks(chunks), dim, used };
    if (views > 0) {
      trunk.aug = { v: views, x: concatChunks(augChunks), items: augItems };
    }
  }
  const featureMs = performance.now() - t0;
  if (!fromCache) await o.onTrunkReady?.(trunk);
  const all: FeatureSet = { x: trunk.x, dim: trunk.dim, n: trunk.used.length, y: Int32Array.from(trunk.used.map((i) => ds.items[i]!.label)) };
  const frozen = await applyFrozen(backbone.model, plan, all);
  const tr: number[] = [];
  const va: number[] = [];
  trunk.used.forEach((item, k) => (ds.items[item]!.split === 'val' ? va : tr).push(k));
  if (tr.length === 0 || va.length === 0) throw new Error('both the training and the validation split need images');
  let trainSet = subset(frozen, tr);
  let valSet = subset(frozen, va);
  let stats: Standardizer | null = null;
  if (o.standardize !== false) {
    stats = fitStandardizer(trainSet);
    trainSet = standardize(trainSet, stats);
    valSet = standardize(valSet, stats);
  }
  const head = createHead(backbone.model, plan, frozen.dim, o.config.seed);
  let source = cachedSource(trainSet);
  if (trunk.aug && trunk.aug.v > 0) {
    // Each time a training image is drawn, one of its cached augmented views is used.
    const v = trunk.aug.v;
    let augSet = await applyFrozen(backbone.model, plan, { x: trunk.aug.x, dim: trunk.dim, n: trunk.aug.items.length * v, y: new Int32Array(trunk.aug.items.length * v) });
    if (stats) augSet = standardize(augSet, stats);
    const rowOf = new Map(trunk.aug.items.map((item, k) => [item, k]));
    const pick = mulberry32(o.config.seed ^ 0x71c7);
    const base = source;
    const trainItems = tr.map((k) => trunk.used[k]!);
    source = {
      ...base,
      batch: (idx) => {
        const x = new Float32Array(idx.length * augSet.dim);
        idx.forEach((i, k) => {
          const row = rowOf.get(trainItems[i]!);
          const r = row === undefined ? -1 : row * v + Math.floor(pick() * v);
          x.set(r < 0 ? trainSet.x.subarray(i * trainSet.dim, (i + 1) * trainSet.dim) : augSet.x.subarray(r * augSet.dim, (r + 1) * augSet.dim), k * augSet.dim);
        });
        return tf.tensor2d(x, [idx.length, augSet.dim]);
      },
    };
  }
  const result = await trainHead(head, source, valSet, ds.classes.length, o.config, o);
  const evaluation = await evaluate(head, valSet, ds.classes.length);
  if (stats) {
    // From here on the head takes raw features, like the exported model.
    const units = head.layers[0]!.w.shape[1]!;
    const fold = (weights: Float32Array[]) => foldStandardizer(weights[0]!, weights[1]!, units, stats!);
    const now = head.snapshot();
    fold(now);
    head.restore(now);
    if (result.bestWeights) fold(result.bestWeights);
  }
  return {
    plan,
    head,
    train: result,
    evaluation,
    trainItems: tr.map((k) => trunk.used[k]!),
    valItems: va.map((k) => trunk.used[k]!),
    unreadable,
    featureMs,
    trunk,
    fromCache,
  };
}
