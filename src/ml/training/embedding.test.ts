import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { tfReady } from '../../../test/tfSetup';
import { pca2 } from './embedding';

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
