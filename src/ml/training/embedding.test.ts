import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { tfReady } from '../../../test/tfSetup';
import { mulberry32 } from '../core/random';
import { headView, pca2, pcaRows, umap2 } from './embedding';
import { Head } from './head';

describe('pca2', () => {
  it('finds the directions of largest spread, in order, and leaves no tensors', async () => {
    await tfReady();
    // Points spread 10× along (1,1,0,0), 3× along (0,0,1,-1), a little noise elsewhere.
    const n = 200;
    const dim = 4;
    const x = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const a = Math.sin(i * 1.7) * 10;
      const b = Math.cos(i * 2.3) * 3;
      x.set([a + Math.sin(i) * 0.1, a, b, -b + Math.cos(i) * 0.1], i * dim);
    }
    const before = tf.memory().numTensors;
    const p = await pca2(x, n, dim);
    expect(tf.memory().numTensors).toBe(before);
    expect(p.length).toBe(n * 2);
    const spread = (k: number) => Math.sqrt(Array.from({ length: n }, (_, i) => p[i * 2 + k]! ** 2).reduce((s, v) => s + v, 0) / n);
    // The first component carries the large spread, the second the smaller one.
    expect(spread(0) / spread(1)).toBeGreaterThan(2.5);
    // The first component follows a (the big spread): |corr| ≈ 1.
    const a = Array.from({ length: n }, (_, i) => Math.sin(i * 1.7));
    const pc = Array.from({ length: n }, (_, i) => p[i * 2]!);
    const corr = a.reduce((s, v, i) => s + v * pc[i]!, 0) / Math.sqrt(a.reduce((s, v) => s + v * v, 0) * pc.reduce((s, v) => s + v * v, 0));
    expect(Math.abs(corr)).toBeGreaterThan(0.99);
  });
});

/** Three tight clusters in 64-d, far apart; labels 0,1,2. */
function clusters(n = 90, dim = 64) {
  const rand = mulberry32(5);
  const centres = [0, 1, 2].map(() => Array.from({ length: dim }, () => (rand() - 0.5) * 20));
  const x = new Float32Array(n * dim);
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) x[i * dim + d] = centres[y[i]!]![d]! + (rand() - 0.5);
  return { x, y, n, dim };
}

/** Fraction of points whose nearest other point (in 2-D) has the same label. */
function neighbourAgreement(p: Float32Array, y: Int32Array): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) {
    let best = -1;
    let bd = Infinity;
    for (let j = 0; j < y.length; j++) {
      if (i === j) continue;
      const d = (p[i * 2]! - p[j * 2]!) ** 2 + (p[i * 2 + 1]! - p[j * 2 + 1]!) ** 2;
      if (d < bd) [bd, best] = [d, j];
    }
    if (y[best] === y[i]) ok++;
  }
  return ok / y.length;
}

describe('pcaRows', () => {
  it('keeps the spread of data that lives in a k-dimensional subspace, and leaves no tensors', async () => {
    await tfReady();
    const rand = mulberry32(2);
    const n = 120;
    const dim = 40;
    const basis = [0, 1, 2].map(() => Array.from({ length: dim }, () => rand() - 0.5));
    const x = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const c = [rand() * 10, rand() * 5, rand() * 2];
      for (let d = 0; d < dim; d++) x[i * dim + d] = c[0]! * basis[0]![d]! + c[1]! * basis[1]![d]! + c[2]! * basis[2]![d]!;
    }
    const total = (a: Float32Array, m: number) => {
      const mean = new Float64Array(m);
      for (let i = 0; i < n; i++) for (let d = 0; d < m; d++) mean[d]! += a[i * m + d]! / n;
      let s = 0;
      for (let i = 0; i < n; i++) for (let d = 0; d < m; d++) s += (a[i * m + d]! - mean[d]!) ** 2;
      return s;
    };
    const before = tf.memory().numTensors;
    const r = await pcaRows(x, n, dim, 3);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.dim).toBe(3);
    expect(total(r.x, 3) / total(x, dim)).toBeGreaterThan(0.999);
  });
});

describe('umap2', () => {
  it('keeps clusters apart (each point’s nearest neighbour shares its label), seeded and repeatable, no tensors left', async () => {
    await tfReady();
    const c = clusters();
    const before = tf.memory().numTensors;
    let calls = 0;
    const a = await umap2(c.x, c.n, c.dim, { seed: 1, pcaDims: 10, onProgress: () => calls++ });
    expect(tf.memory().numTensors).toBe(before);
    expect(a).toHaveLength(c.n * 2);
    expect(neighbourAgreement(a, c.y)).toBe(1);
    expect(calls).toBeGreaterThan(1);
    const b = await umap2(c.x, c.n, c.dim, { seed: 1, pcaDims: 10 });
    expect(Array.from(b)).toEqual(Array.from(a));
  }, 60_000);
  it('refuses fewer than 3 points', async () => {
    await expect(umap2(new Float32Array(4), 2, 2)).rejects.toThrow(/3 points/);
  });
});

describe('headView', () => {
  /** w as [in, units]; `outIn` stores it as [units, in], as the head does for big kernels. */
  const layer = (name: string, w: number[][], b: number[], activation: 'relu' | 'linear', outIn = false) => ({
    name,
    w: tf.variable(outIn ? tf.tidy(() => tf.tensor2d(w).transpose()) : tf.tensor2d(w)),
    b: tf.variable(tf.tensor1d(b)),
    activation,
    dropoutBefore: false,
    outIn,
  });
  const trunk = { x: Float32Array.from([1, -2, 3, 4]), y: Int32Array.from([0, 1]), n: 2, dim: 2 };
  const plan = { strategy: 'fc8', trunkLayer: 't', pool: 'gap', frozen: [], head: [] } as const;

  it('a hidden layer: its ReLU output', async () => {
    const head = new Head([layer('fc7', [[1, -1], [0, 1]], [0.5, 0], 'relu'), layer('fc8', [[1], [1]], [0], 'linear')]);
    const before = tf.memory().numTensors;
    const v = await headView(null as unknown as tf.LayersModel, { ...plan, frozen: [], head: [] } as never, head, trunk);
    expect(tf.memory().numTensors).toBe(before);
    expect(v).toMatchObject({ layer: 'fc7', kind: 'hidden', dim: 2, n: 2 });
    expect(Array.from(v.x)).toEqual([1.5, 0, 3.5, 1]); // [1,-2]→[1.5,-3]→relu; [3,4]→[3.5,1]
    head.dispose();
  });
  it('kernels stored as [units, in]: the same view', async () => {
    const head = new Head([layer('fc7', [[1, -1, 2], [0, 1, 1]], [0.5, 0, 0], 'relu', true), layer('fc8', [[1], [1], [1]], [0], 'linear', true)]);
    const v = await headView(null as unknown as tf.LayersModel, { ...plan, frozen: [], head: [] } as never, head, trunk);
    expect(v).toMatchObject({ layer: 'fc7', kind: 'hidden', dim: 3, n: 2 });
    expect(Array.from(v.x)).toEqual([1.5, 0, 0, 3.5, 1, 10]); // [1,-2]→[1.5,-3,0]; [3,4]→[3.5,1,10]
    head.dispose();
  });
  it('one layer on the trunk: the class scores', async () => {
    const head = new Head([layer('fc8', [[1, 0, 2], [0, 1, 1]], [0, 0, 1], 'linear')]);
    const v = await headView(null as unknown as tf.LayersModel, plan as never, head, trunk);
    expect(v).toMatchObject({ layer: 'fc8', kind: 'scores', dim: 3 });
    expect(Array.from(v.x)).toEqual([1, -2, 1, 3, 4, 11]);
    head.dispose();
  });
});
