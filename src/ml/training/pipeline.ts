/** The whole fine-tuning pipeline over decoded images: used by the CLI and the tests (and the studio's worker). */
import * as tf from '@tensorflow/tfjs';
import type { Backbone } from '../runtime/backbone';
import { splitRows, type Dataset } from '../core/dataset';
import { applyFrozen, extractFeatures, fitStandardizer, foldIntoHead, standardize, subset, type FeatureSet, type Standardizer } from './features';
import { augmentImage } from '../runtime/preprocess';
import { mulberry32 } from '../core/random';
import { planFor } from '../core/surgery';
import { cachedSource, rowSource, trainHead } from './loop';
import { createHead } from './head';
import { evaluate } from './metrics';

import { concatChunks, decodeBatch, type FineTuneOptions, type FineTuneResult, type FrozenCache, type TrunkCache } from './batches';
import { fineTuneWithBlock } from './block';

export type { FineTuneOptions, FineTuneResult, FrozenCache, TrunkCache };
export { withBlockWeights } from './block';

export async function fineTune(backbone: Backbone, ds: Dataset, o: FineTuneOptions): Promise<FineTuneResult> {
  const plan = planFor(backbone.model, backbone.meta, o.strategy, ds.classes.length);
  if (o.config.unfreezeBlock) return fineTuneWithBlock(backbone, ds, plan, o);
  const t0 = performance.now();
  let trunk = o.cachedTrunk;
  const fromCache = !!trunk;
  let unreadable = 0;
  let held = 0;
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
      const { idx, pixels, unreadable: bad, waitedMs } = await decodeBatch(o, ds.items.length, start, bs);
      unreadable += bad;
      held += waitedMs;
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
  const featureMs = performance.now() - t0 - held;
  if (!fromCache) await o.onTrunkReady?.(trunk);
  const all: FeatureSet = { x: trunk.x, dim: trunk.dim, n: trunk.used.length, y: Int32Array.from(trunk.used.map((i) => ds.items[i]!.label)) };
  const cachedFrozen = plan.frozen.length && o.cachedFrozen && o.cachedFrozen.layers.join() === plan.frozen.join() && fromCache && o.cachedFrozen.x.length === all.n * o.cachedFrozen.dim ? o.cachedFrozen : null;
  const frozen: FeatureSet = cachedFrozen ? { x: cachedFrozen.x, dim: cachedFrozen.dim, n: all.n, y: all.y } : await applyFrozen(backbone.model, plan, all);
  const { tr, va } = splitRows(ds, trunk.used);
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
  let frozenAug: Float32Array | null = null;
  if (trunk.aug && trunk.aug.v > 0) {
    // Each time a training image is drawn, one of its cached augmented views is used.
    const v = trunk.aug.v;
    const augIn: FeatureSet = { x: trunk.aug.x, dim: trunk.dim, n: trunk.aug.items.length * v, y: new Int32Array(trunk.aug.items.length * v) };
    let augSet = cachedFrozen?.augX ? { ...augIn, x: cachedFrozen.augX, dim: cachedFrozen.dim } : await applyFrozen(backbone.model, plan, augIn);
    frozenAug = augSet.x;
    if (stats) augSet = standardize(augSet, stats);
    const rowOf = new Map(trunk.aug.items.map((item, k) => [item, k]));
    const pick = mulberry32(o.config.seed ^ 0x71c7);
    const trainItems = tr.map((k) => trunk.used[k]!);
    source = rowSource(source.n, source.labels, augSet.dim, (idx) => {
      const x = new Float32Array(idx.length * augSet.dim);
      idx.forEach((i, k) => {
        const row = rowOf.get(trainItems[i]!);
        const r = row === undefined ? -1 : row * v + Math.floor(pick() * v);
        x.set(r < 0 ? trainSet.x.subarray(i * trainSet.dim, (i + 1) * trainSet.dim) : augSet.x.subarray(r * augSet.dim, (r + 1) * augSet.dim), k * augSet.dim);
      });
      return x;
    });
  }
  if (plan.frozen.length && !cachedFrozen) await o.onFrozenReady?.({ layers: [...plan.frozen], x: frozen.x, dim: frozen.dim, ...(frozenAug ? { augX: frozenAug } : {}) });
  const result = await trainHead(head, source, valSet, ds.classes.length, o.config, o);
  const evaluation = await evaluate(head, valSet, ds.classes.length);
  if (stats) {
    // From here on the head takes raw features, like the exported model.
    foldIntoHead(head, result.bestWeights, stats);
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
