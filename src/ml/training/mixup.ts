/**
 * mixup (Zhang et al. 2018), one of the course deck's augmentations: train on blends of two
 * examples with their labels blended the same way, λ ~ Beta(α, α) per batch. The head trains on
 * cached trunk features, so the blend is made there — where the new layers start ("manifold
 * mixup" at the cut, Verma et al. 2019); blending the paintings themselves would need the frozen
 * trunk re-run for every pair, every epoch.
 */
import * as tf from '@tensorflow/tfjs';
import { betaDraw } from '../core/random';

export interface MixedBatch {
  x: tf.Tensor2D;
  /** Soft targets: λ·onehot(y) + (1 − λ)·onehot(y[perm]). */
  target: tf.Tensor2D;
  /** Each row's larger share (for training accuracy). */
  dominant: number[];
  lambda: number;
}

/** Row i blends with row perm[i]. The caller owns x and target. */
export function mixBatch(x: tf.Tensor2D, labels: number[], numClasses: number, lambda: number, perm: number[]): MixedBatch {
  const partner = perm.map((p) => labels[p]!);
  return tf.tidy(() => {
    const xm = x.mul(lambda).add(tf.gather(x, perm).mul(1 - lambda)) as tf.Tensor2D;
    const target = tf
      .oneHot(tf.tensor1d(labels, 'int32'), numClasses)
      .mul(lambda)
      .add(tf.oneHot(tf.tensor1d(partner, 'int32'), numClasses).mul(1 - lambda)) as tf.Tensor2D;
    return { x: xm, target, dominant: lambda >= 0.5 ? labels.slice() : partner, lambda };
  });
}

/** λ and the pairing for one batch, from the run's PRNG (so a seeded run with mixup is reproducible). */
export function drawMix(rand: () => number, alpha: number, n: number): { lambda: number; perm: number[] } {
  const lambda = betaDraw(rand, alpha, alpha);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  return { lambda, perm };
}
