/** mixup: the blend and its targets exactly, λ's distribution, and a seeded run that learns, repeats itself and differs from plain training. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../../test/tfSetup';
import { betaDraw, mulberry32 } from '../core/random';
import { COURSE_RECIPE } from '../core/vocab';
import { linearHead } from './head';
import { cachedSource, trainHead } from './loop';
import { drawMix, mixBatch } from './mixup';

beforeAll(tfReady);

describe('mixBatch', () => {
  it('blends rows and one-hot targets with the same λ, and names each row’s larger share', async () => {
    const x = tf.tensor2d([
      [1, 0],
      [0, 10],
      [4, 4],
    ]);
    const before = tf.memory().numTensors;
    const m = mixBatch(x, [0, 2, 1], 3, 0.75, [1, 2, 0]);
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(await m.x.array()).toEqual([
      [0.75, 2.5],
      [1, 8.5],
      [3.25, 3],
    ]);
    expect(await m.target.array()).toEqual([
      [0.75, 0, 0.25],
      [0, 0.25, 0.75],
      [0.25, 0.75, 0],
    ]);
    expect(m.dominant).toEqual([0, 2, 1]);
    expect(mixBatch(x, [0, 2, 1], 3, 0.25, [1, 2, 0]).dominant).toEqual([2, 1, 0]);
    tf.dispose([x, m.x, m.target]);
  });
});

describe('λ ~ Beta(α, α)', () => {
  it('has mean 1/2 and variance 1/(4(2α+1)), for α below and above 1', () => {
    for (const alpha of [0.2, 0.4, 2]) {
      const rand = mulberry32(3);
      const xs = Array.from({ length: 20000 }, () => betaDraw(rand, alpha, alpha));
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
      expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
      expect(Math.abs(v - 1 / (4 * (2 * alpha + 1)))).toBeLessThan(0.006);
      expect(xs.every((t) => t >= 0 && t <= 1)).toBe(true);
    }
  });
  it('drawMix pairs every row with one partner (a permutation)', () => {
    const { perm, lambda } = drawMix(mulberry32(1), 0.4, 9);
    expect([...perm].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(lambda).toBeGreaterThanOrEqual(0);
  });
});

describe('training with mixup', () => {
  // Two Gaussian blobs in 8-d: separable, so both runs should end near 100 %.
  const rand = mulberry32(11);
  const n = 96;
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  const x = Float32Array.from({ length: n * 8 }, (_, k) => (Math.floor(k / 8) % 3 === k % 3 ? 2 : 0) + (rand() - 0.5));
  const set = { x, y, n, dim: 8 };
  const run = async (mixup: number) => {
    const head = linearHead(8, 3, 1);
    const r = await trainHead(head, cachedSource(set), set, 3, { ...COURSE_RECIPE, batchSize: 16, epochs: 6, dropout: 0, mixup });
    head.dispose();
    return r;
  };
  it('learns, is reproducible with a seed, and differs from plain training; no tensors left', async () => {
    const before = tf.memory().numTensors;
    const a = await run(0.4);
    const b = await run(0.4);
    const plain = await run(0);
    expect(tf.memory().numTensors).toBe(before);
    expect(a.batchLosses).toEqual(b.batchLosses);
    expect(a.epochs.at(-1)!.valAcc).toBeGreaterThan(0.9);
    expect(a.batchLosses).not.toEqual(plain.batchLosses);
    // Soft targets keep the training loss above plain training's at the end.
    expect(a.epochs.at(-1)!.trainLoss).toBeGreaterThan(plain.epochs.at(-1)!.trainLoss);
  });
});
