/**
 * The feature space in two dimensions: PCA (the fast first view: the first two principal
 * components, by power iteration) and UMAP (McInnes et al. 2018, from umap-js: neighbourhoods kept,
 * so clusters show that a linear projection hides), on the trunk's features or on what the fine-tuned
 * head computes from them.
 */
import * as tf from '@tensorflow/tfjs';
import { UMAP } from 'umap-js';
import { mulberry32 } from '../core/random';
import type { Plan } from '../core/surgery';
import { applyFrozen, type FeatureSet } from './features';
import { applyLayer, units, type Head } from './head';
import { yieldToEvents } from '../core/yieldToEvents';

/** Rows [n, dim] → [n, 2] projections on the top two principal components (deterministic: seeded start). */
export async function pca2(x: Float32Array, n: number, dim: number, iterations = 60): Promise<Float32Array> {
  if (n === 0 || dim === 0) return new Float32Array(0);
  const out = tf.tidy(() => {
    const X = tf.tensor2d(x, [n, dim]);
    const centered = X.sub(X.mean(0));
    const cov = tf.matMul(centered, centered, true, false).div(Math.max(1, n - 1)) as tf.Tensor2D; // [dim, dim]
    const vectors: tf.Tensor2D[] = [];
    let c = cov;
    for (let k = 0; k < 2; k++) {
      let v = tf.tensor2d(Float32Array.from({ length: dim }, (_, i) => Math.sin(i + 1 + k)), [dim, 1]);
      for (let it = 0; it < iterations; it++) {
        const w = tf.matMul(c, v);
        v = w.div(w.norm().add(1e-12)) as tf.Tensor2D;
      }
      vectors.push(v);
      // Deflate: remove the component just found.
      const lambda = tf.matMul(tf.matMul(v, c, true, false), v);
      c = c.sub(tf.matMul(v, v, false, true).mul(lambda)) as tf.Tensor2D;
    }
    return tf.matMul(centered, tf.concat(vectors, 1)) as tf.Tensor2D; // [n, 2]
  });
  try {
    return (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
}

/** Modified Gram–Schmidt on the k columns of a row-major [dim, k] matrix, in place. */
function orthonormalize(q: Float32Array, dim: number, k: number): void {
  for (let j = 0; j < k; j++) {
    for (let p = 0; p < j; p++) {
      let dot = 0;
      for (let i = 0; i < dim; i++) dot += q[i * k + j]! * q[i * k + p]!;
      for (let i = 0; i < dim; i++) q[i * k + j]! -= dot * q[i * k + p]!;
    }
    let norm = 0;
    for (let i = 0; i < dim; i++) norm += q[i * k + j]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < dim; i++) q[i * k + j]! /= norm;
  }
}

/**
 * Rows projected on their top k principal directions (subspace iteration: Q ← orth(Xᵀ X Q)), the
 * usual step before UMAP on wide features (AlexNet's fc7 is 4,096-d). Returns rows [n, k'] with k' = min(k, dim).
 */
export async function pcaRows(x: Float32Array, n: number, dim: number, k: number, iterations = 8, seed = 0): Promise<{ x: Float32Array; dim: number }> {
  k = Math.min(k, dim, Math.max(1, n));
  const rand = mulberry32(seed);
  let q: Float32Array = Float32Array.from({ length: dim * k }, () => rand() - 0.5);
  orthonormalize(q, dim, k);
  const X = tf.tidy(() => {
    const raw = tf.tensor2d(x, [n, dim]);
    return raw.sub(raw.mean(0)) as tf.Tensor2D;
  });
  try {
    for (let it = 0; it < iterations; it++) {
      const z = tf.tidy(() => tf.matMul(X, tf.matMul(X, tf.tensor2d(q, [dim, k])), true, false));
      q = (await z.data()) as Float32Array;
      z.dispose();
      orthonormalize(q, dim, k);
    }
    const proj = tf.tidy(() => tf.matMul(X, tf.tensor2d(q, [dim, k])));
    try {
      return { x: (await proj.data()) as Float32Array, dim: k };
    } finally {
      proj.dispose();
    }
  } finally {
    X.dispose();
  }
}

export interface UmapOptions {
  seed?: number;
  nNeighbors?: number;
  minDist?: number;
  /** Dimensions kept by PCA before UMAP (wide features make the neighbour search slow and noisy). */
  pcaDims?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Rows [n, dim] → [n, 2] by UMAP, seeded (the same rows and seed give the same picture). */
export async function umap2(x: Float32Array, n: number, dim: number, o: UmapOptions = {}): Promise<Float32Array> {
  if (n < 3) throw new Error('UMAP needs at least 3 points');
  const reduced = dim > (o.pcaDims ?? 50) ? await pcaRows(x, n, dim, o.pcaDims ?? 50, 8, o.seed ?? 0) : { x, dim };
  const rows = Array.from({ length: n }, (_, i) => Array.from(reduced.x.subarray(i * reduced.dim, (i + 1) * reduced.dim)));
  const umap = new UMAP({ nComponents: 2, nNeighbors: Math.min(o.nNeighbors ?? 15, n - 1), minDist: o.minDist ?? 0.1, random: mulberry32(o.seed ?? 0) });
  const total = umap.initializeFit(rows);
  for (let e = 0; e < total; e++) {
    umap.step();
    if (e % 20 === 0) {
      o.onProgress?.(e, total);
      await yieldToEvents(); // let stop/progress messages through
    }
  }
  o.onProgress?.(total, total);
  return Float32Array.from(umap.getEmbedding().flat());
}

export interface HeadView extends FeatureSet {
  /** The layer whose output these rows are. */
  layer: string;
  /** 'hidden': the last layer before the classifier; 'scores': the classifier's own outputs (a one-layer head on the trunk). */
  kind: 'hidden' | 'scores';
}

/**
 * What the fine-tuned network computes from trunk features, one step before its answer: the input
 * of the last (new) layer — the frozen fc7, or a trained hidden layer — or, when the head is one
 * layer straight on the trunk (nothing between), its class scores.
 */
export async function headView(model: tf.LayersModel, plan: Plan, head: Head, trunk: FeatureSet, o: { frozen?: { x: Float32Array; dim: number }; batch?: number } = {}): Promise<HeadView> {
  const batch = o.batch ?? 256;
  // The frozen layers' outputs never change: the feature cache usually has them (AlexNet's fc6 + fc7 over 4,000 paintings is ~0.4 TFLOP).
  const frozen = !plan.frozen.length ? trunk : o.frozen && o.frozen.x.length === trunk.n * o.frozen.dim ? { ...trunk, ...o.frozen } : await applyFrozen(model, plan, trunk);
  const hidden = head.layers.slice(0, -1);
  if (!hidden.length && plan.frozen.length) return { ...frozen, layer: plan.frozen.at(-1)!, kind: 'hidden' };
  const layers = hidden.length ? hidden : head.layers;
  const outDim = units(layers.at(-1)!);
  const out = new Float32Array(trunk.n * outDim);
  for (let s = 0; s < trunk.n; s += batch) {
    const e = Math.min(trunk.n, s + batch);
    const t = tf.tidy(() => {
      let h = tf.tensor2d(frozen.x.subarray(s * frozen.dim, e * frozen.dim), [e - s, frozen.dim]);
      for (const l of layers) h = applyLayer(h, l);
      return h;
    });
    out.set((await t.data()) as Float32Array, s * outDim);
    t.dispose();
  }
  return { x: out, dim: outDim, n: trunk.n, y: trunk.y, layer: layers.at(-1)!.name, kind: hidden.length ? 'hidden' : 'scores' };
}
