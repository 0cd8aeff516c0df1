/** The one-pass momentum step gives TF.js's MomentumOptimizer's values bit for bit, leaves its inputs, and falls back off WASM. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../../test/tfSetup';
import { momentumStep } from '../runtime/wasm/momentumStep';
import { OnePassMomentum } from './momentum';

beforeAll(tfReady);

const values = (n: number, seed: number) => tf.randomNormal([n], 0, 1, 'float32', seed);

describe('momentumStep (WASM)', () => {
  it.each([1003, 70_003])('a′ = m·a + g and v′ = c·a′ + v, bit for bit as TF.js computes them, into new tensors (%i values: a tail of 3; the larger split among the kernel threads)', (size) => {
    expect(tf.getBackend()).toBe('wasm');
    const [v, a, g] = [values(size, 1), values(size, 2), values(size, 3)];
    const before = [v, a, g].map((t) => Array.from(t.dataSync()));
    const n0 = tf.memory().numTensors;
    const m = tf.scalar(0.9);
    const c = tf.scalar(-0.01);
    const ref = tf.tidy(() => {
      const acc = tf.add(tf.mul(m, a), g);
      return [Array.from(acc.dataSync()), Array.from(tf.add(tf.mul(c, acc), v).dataSync())];
    });
    const out = momentumStep(v, a, g, Math.fround(0.9), Math.fround(-0.01))!;
    expect(out).not.toBeNull();
    expect(Array.from(out.acc.dataSync())).toEqual(ref[0]);
    expect(Array.from(out.value.dataSync())).toEqual(ref[1]);
    [v, a, g].forEach((t, i) => expect(Array.from(t.dataSync())).toEqual(before[i]));
    tf.dispose([out.acc, out.value, m, c]);
    expect(tf.memory().numTensors).toBe(n0);
    tf.dispose([v, a, g]);
  });

  it('is not for other dtypes or sizes, nor off WASM', async () => {
    const v = values(8, 1);
    const i = tf.zeros([8], 'int32');
    expect(momentumStep(v, v, values(9, 2), 0.9, -0.1)).toBeNull();
    expect(momentumStep(v, i, v, 0.9, -0.1)).toBeNull();
    await tf.setBackend('cpu');
    const w = values(8, 3);
    expect(momentumStep(w, w, w, 0.9, -0.1)).toBeNull();
    w.dispose();
    await tf.setBackend('wasm');
    tf.dispose([v, i]);
  });
});

describe('OnePassMomentum', () => {
  it('trains to the same weights as tf.train.momentum, with the same optimizer weights, and leaves no tensors', async () => {
    const n0 = tf.memory().numTensors;
    const run = async (make: () => tf.MomentumOptimizer) => {
      // tidy: the initial tensors go, the variables (which tidy never disposes) stay.
      const w = tf.tidy(() => tf.variable(tf.randomNormal([37, 41], 0, 0.1, 'float32', 4)));
      const b = tf.tidy(() => tf.variable(tf.zeros([41])));
      const x = tf.randomNormal([16, 37], 0, 1, 'float32', 5);
      const opt = make();
      for (let s = 0; s < 5; s++) tf.dispose(opt.minimize(() => tf.matMul(x, w).add(b).relu().square().mean() as tf.Scalar, true, [w, b]) ?? []);
      const ws = await opt.getWeights();
      const names = ws.map((t) => t.name.replace(w.name, 'W').replace(b.name, 'B'));
      ws[0]!.tensor.dispose(); // the iteration count comes as a fresh scalar
      const out = { w: Array.from(w.dataSync()), b: Array.from(b.dataSync()), names };
      const c = (opt as unknown as { c: tf.Tensor }).c;
      opt.dispose();
      tf.dispose([w, b, x, c]);
      return out;
    };
    const ours = await run(() => new OnePassMomentum(0.05, 0.9));
    const stock = await run(() => tf.train.momentum(0.05, 0.9));
    expect(ours.w).toEqual(stock.w);
    expect(ours.b).toEqual(stock.b);
    expect(ours.names).toEqual(['iter', 'W/momentum', 'B/momentum']);
    expect(stock.names).toEqual(ours.names);
    expect(ours.b.some((v) => v !== 0)).toBe(true); // it did update
    expect(tf.memory().numTensors).toBe(n0);
  });
});
