/**
 * The first layer's dropout applied while a batch of cached features is copied (rowSource's
 * droppedBatch) trains exactly as a dropout mask uploaded and multiplied on the backend does.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { tfReady } from '../../../test/tfSetup';
import { COURSE_RECIPE } from '../core/vocab';
import { Head, linearHead } from './head';
import { cachedSource, trainHead, type TrainSource } from './loop';

beforeAll(tfReady);

const set = { x: Float32Array.from({ length: 48 * 64 }, (_, i) => Math.sin(i * 0.7) * 2), y: Int32Array.from({ length: 48 }, (_, i) => i % 3), dim: 64, n: 48 };
const withDropout = (seed: number) => {
  const h = linearHead(64, 3, seed);
  return new Head(h.layers.map((l) => ({ ...l, dropoutBefore: true })));
};

it('same losses with dropout applied in the copy as with a mask on the backend; masks do matter', async () => {
  const cfg = { ...COURSE_RECIPE, batchSize: 16, epochs: 3, dropout: 0.5 };
  const before = tf.memory().numTensors;
  const fused = cachedSource(set);
  const { droppedBatch: _unused, ...plain } = fused;
  const run = async (source: TrainSource, dropout = cfg.dropout) => {
    const head = withDropout(5);
    try {
      return (await trainHead(head, source, set, 3, { ...cfg, dropout })).batchLosses;
    } finally {
      head.dispose();
    }
  };
  const a = await run(fused);
  const b = await run(plain);
  expect(a).toHaveLength(9);
  a.forEach((l, i) => expect(Math.abs(l - b[i]!)).toBeLessThan(1e-6));
  expect(await run(fused, 0)).not.toEqual(a); // dropout changes the curve: the test can see it
  expect(tf.memory().numTensors).toBe(before);
});
