/**
 * "Also unfreeze the last conv block": the block's input rows are cached in memory, and the
 * block, the frozen layers after it and the new head train together.
 */
import * as tf from '@tensorflow/tfjs';
import type { Backbone } from '../runtime/backbone';
import { splitRows, type Dataset } from '../core/dataset';
import { fitStandardizer, foldIntoHead, subset, type FeatureSet } from './features';
import { modelBetween, modelUpTo } from '../runtime/graph';
import { lastConvBlock, type Plan } from '../core/surgery';
import { cachedSource, trainHead } from './loop';
import { createHead, type Body } from './head';
import { evaluate } from './metrics';

import { concatChunks, layerRows, type FineTuneOptions, type FineTuneResult } from './batches';

/**
 * "Also unfreeze the last conv block": the block's input is cached (in memory), and the block,
 * the frozen layers after it and the new head train together, the block at a smaller rate.
 * The shared model's weights are put back afterwards; the trained ones travel with the result.
 */
export async function fineTuneWithBlock(backbone: Backbone, ds: Dataset, plan: Plan, o: FineTuneOptions): Promise<FineTuneResult> {
  const model = backbone.model;
  const block = lastConvBlock(model, plan.trunkLayer);
  const t0 = performance.now();
  const rows = await layerRows(model, block.input, ds, o.featureBatch ?? 32, (p) => backbone.preprocess(p), o);
  const featureMs = performance.now() - t0 - rows.waitedMs;
  const inShape = (modelUpTo(model, block.input).outputs[0]!.shape.slice(1) as number[]);
  const upper = modelBetween(model, block.input, plan.trunkLayer);
  const frozen = plan.frozen.map((n) => model.getLayer(n));
  const blockLayers = block.layers.map((n) => model.getLayer(n));
  const read = () => blockLayers.flatMap((l) => l.getWeights().map((w) => (w.dataSync() as Float32Array).slice()));
  const write = (arrays: Float32Array[]) => {
    let k = 0;
    // tidy: the tensors made from the arrays only feed setWeights.
    tf.tidy(() => {
      for (const l of blockLayers) l.setWeights(l.getWeights().map((w) => tf.tensor(arrays[k++]!, w.shape)));
    });
  };
  const original = read();
  const features = (x: tf.Tensor2D): tf.Tensor2D => {
    const a = upper.apply(x.reshape([-1, ...inShape])) as tf.Tensor;
    let h: tf.Tensor = plan.pool === 'gap' && a.rank === 4 ? a.mean([1, 2]) : a.reshape([a.shape[0]!, -1]);
    for (const l of frozen) h = l.apply(h) as tf.Tensor;
    return h as tf.Tensor2D;
  };
  const all: FeatureSet = { x: rows.x, dim: rows.dim, n: rows.used.length, y: Int32Array.from(rows.used.map((i) => ds.items[i]!.label)) };
  const { tr, va } = splitRows(ds, rows.used);
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
    foldIntoHead(head, result.bestWeights, stats);
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
    // tidy: the tensors made from the arrays only feed setWeights, which copies them.
    tf.tidy(() => {
      for (const l of layers) l.setWeights(l.getWeights().map((w) => tf.tensor(arrays[k++]!, w.shape)));
    });
  };
  set(which === 'best' && r.block.best ? r.block.best : r.block.last);
  try {
    return await fn();
  } finally {
    set(r.block.original);
  }
}

