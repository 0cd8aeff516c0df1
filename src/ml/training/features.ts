/**
 * The frozen part of the network, run once: trunk features (the feature cache) and the
 * frozen pretrained FC layers on top of them.
 */
import * as tf from '@tensorflow/tfjs';
import { modelUpTo } from '../runtime/graph';
import type { Plan } from '../core/surgery';
import { yieldToEvents } from '../core/yieldToEvents';
import { units, type Head } from './head';

export interface FeatureSet {
  /** Row-major [n, dim]. */
  x: Float32Array;
  y: Int32Array;
  n: number;
  dim: number;
}

/** [N,H,W,3] preprocessed images → pooled trunk features [N, dim]. Caller owns the result. */
export function trunkFeatures(model: tf.LayersModel, plan: Plan, images: tf.Tensor4D): tf.Tensor2D {
  const trunk = modelUpTo(model, plan.trunkLayer);
  return tf.tidy(() => {
    // apply, not predict: predict copies the batch (a Slice) before running it, 12 ms a batch here.
    const a = trunk.apply(images, { training: false }) as tf.Tensor;
    if (plan.pool === 'gap' && a.rank === 4) return a.mean([1, 2]) as tf.Tensor2D;
    return a.reshape([a.shape[0]!, -1]) as tf.Tensor2D;
  });
}

export interface ExtractOptions {
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  shouldStop?: () => boolean;
}

/** Runs the trunk over `count` images, `loadBatch(start, n)` at a time. */
export async function extractFeatures(
  model: tf.LayersModel,
  plan: Plan,
  count: number,
  loadBatch: (start: number, n: number) => Promise<tf.Tensor4D> | tf.Tensor4D,
  o: ExtractOptions = {},
): Promise<{ x: Float32Array; dim: number }> {
  const bs = Math.max(1, o.batchSize ?? 32);
  let out: Float32Array | null = null;
  let dim = 0;
  for (let start = 0; start < count; start += bs) {
    if (o.shouldStop?.()) throw new Error('cancelled');
    const n = Math.min(bs, count - start);
    const imgs = await loadBatch(start, n);
    const f = trunkFeatures(model, plan, imgs);
    imgs.dispose();
    const data = (await f.data()) as Float32Array;
    dim = f.shape[1];
    f.dispose();
    out ??= new Float32Array(count * dim);
    out.set(data, start * dim);
    o.onProgress?.(start + n, count);
    await yieldToEvents();
  }
  return { x: out ?? new Float32Array(0), dim };
}

/** Applies the plan's frozen pretrained layers (e.g. fc6, fc7) to cached trunk features. */
export async function applyFrozen(model: tf.LayersModel, plan: Plan, set: FeatureSet, batchSize = 256): Promise<FeatureSet> {
  if (plan.frozen.length === 0) return set;
  const layers = plan.frozen.map((n) => model.getLayer(n));
  let out: Float32Array | null = null;
  let dim = 0;
  for (let start = 0; start < set.n; start += batchSize) {
    const n = Math.min(batchSize, set.n - start);
    const t = tf.tidy(() => {
      let h: tf.Tensor = tf.tensor2d(set.x.subarray(start * set.dim, (start + n) * set.dim), [n, set.dim]);
      for (const l of layers) h = l.apply(h) as tf.Tensor;
      return h as tf.Tensor2D;
    });
    const data = (await t.data()) as Float32Array;
    dim = t.shape[1];
    t.dispose();
    out ??= new Float32Array(set.n * dim);
    out.set(data, start * dim);
  }
  return { x: out ?? new Float32Array(0), y: set.y, n: set.n, dim };
}

export function subset(set: FeatureSet, idx: number[]): FeatureSet {
  const x = new Float32Array(idx.length * set.dim);
  const y = new Int32Array(idx.length);
  idx.forEach((i, k) => {
    x.set(set.x.subarray(i * set.dim, (i + 1) * set.dim), k * set.dim);
    y[k] = set.y[i]!;
  });
  return { x, y, n: idx.length, dim: set.dim };
}

export interface Standardizer {
  mean: Float32Array;
  std: Float32Array;
}

/** Per-feature mean and std over the given rows (the training split). */
export function fitStandardizer(set: FeatureSet): Standardizer {
  const mean = new Float32Array(set.dim);
  const sq = new Float64Array(set.dim);
  for (let i = 0; i < set.n; i++)
    for (let d = 0; d < set.dim; d++) {
      const v = set.x[i * set.dim + d]!;
      mean[d]! += v / set.n;
      sq[d]! += (v * v) / set.n;
    }
  const std = new Float32Array(set.dim);
  for (let d = 0; d < set.dim; d++) std[d] = Math.sqrt(Math.max(sq[d]! - mean[d]! * mean[d]!, 0)) || 1;
  return { mean, std };
}

export function standardize(set: FeatureSet, s: Standardizer): FeatureSet {
  const x = new Float32Array(set.x.length);
  for (let i = 0; i < set.n; i++)
    for (let d = 0; d < set.dim; d++) x[i * set.dim + d] = (set.x[i * set.dim + d]! - s.mean[d]!) / s.std[d]!;
  return { ...set, x };
}

/**
 * Folds x ↦ (x − mean)/std into a first layer's kernel [dim, units] and bias, so the
 * exported model takes raw features: W' = W / std (per row), b' = b − Σ_d mean_d/std_d · W_d.
 */
/**
 * From here on the head takes raw features, like the exported model: the standardiser is folded
 * into its first layer, now and in the best epoch's weights.
 */
export function foldIntoHead(head: Pick<Head, 'layers' | 'snapshot' | 'restore'>, bestWeights: Float32Array[] | null, s: Standardizer): void {
  const n = units(head.layers[0]!);
  const now = head.snapshot();
  foldStandardizer(now[0]!, now[1]!, n, s);
  head.restore(now);
  if (bestWeights) foldStandardizer(bestWeights[0]!, bestWeights[1]!, n, s);
}

export function foldStandardizer(kernel: Float32Array, bias: Float32Array, units: number, s: Standardizer): void {
  const dim = s.mean.length;
  for (let d = 0; d < dim; d++) {
    const inv = 1 / s.std[d]!;
    for (let u = 0; u < units; u++) {
      const w = kernel[d * units + u]! * inv;
      kernel[d * units + u] = w;
      bias[u]! -= s.mean[d]! * w;
    }
  }
}
