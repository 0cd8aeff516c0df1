import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../../test/tfSetup';
import { nonFiniteWeights } from './backbone';

beforeAll(tfReady);

/** A two-layer model whose second kernel holds `values` (the rest random). */
function modelWith(values: number[]): tf.LayersModel {
  const input = tf.input({ shape: [3] });
  const h = tf.layers.dense({ units: 4, name: 'd1' }).apply(input) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, name: 'd2' }).apply(h) as tf.SymbolicTensor;
  const m = tf.model({ inputs: input, outputs: out });
  const k = new Float32Array(8).fill(0.5);
  k.set(values);
  const t = tf.tensor2d(k, [4, 2]);
  m.getLayer('d2').setWeights([t, tf.zeros([2])]);
  t.dispose();
  return m;
}

describe('nonFiniteWeights', () => {
  it('names each weight holding NaN, +Infinity or -Infinity', async () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const m = modelWith([1, bad]);
      expect(await nonFiniteWeights(m)).toEqual(['d2/kernel']);
      m.dispose();
    }
  });
  it('+Infinity and -Infinity together (their sum is NaN, still found)', async () => {
    const m = modelWith([Infinity, -Infinity]);
    expect(await nonFiniteWeights(m)).toEqual(['d2/kernel']);
    m.dispose();
  });
  it('finite values whose sum overflows are not flagged (the exact test settles it)', async () => {
    const m = modelWith([3e38, 3e38, 3e38]);
    expect(await nonFiniteWeights(m)).toEqual([]);
    m.dispose();
  });
  it('a clean model: none, and no tensors left', async () => {
    const m = modelWith([1, 2]);
    const before = tf.memory().numTensors;
    expect(await nonFiniteWeights(m)).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});
