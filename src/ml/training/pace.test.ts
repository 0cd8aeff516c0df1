/** Lecture pace: the batches of an epoch are spread over paceMs; the recorded epoch time stays compute only. */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { tfReady } from '../../../test/tfSetup';
import { COURSE_RECIPE } from '../core/vocab';
import { linearHead } from './head';
import { cachedSource, trainHead } from './loop';

it('paceMs spreads the batches: a 2-epoch run takes ≥ 2 × paceMs, each batch arriving in turn', async () => {
  await tfReady();
  const set = { x: Float32Array.from({ length: 32 * 8 }, (_, i) => Math.sin(i)), y: Int32Array.from({ length: 32 }, (_, i) => i % 2), dim: 8, n: 32 };
  const before = tf.memory().numTensors;
  const head = linearHead(8, 2, 1);
  const times: number[] = [];
  const t0 = performance.now();
  const r = await trainHead(head, cachedSource(set), set, 2, { ...COURSE_RECIPE, batchSize: 8, epochs: 2, paceMs: 400 }, { onBatch: () => times.push(performance.now() - t0) });
  const wall = performance.now() - t0;
  head.dispose();
  expect(wall).toBeGreaterThanOrEqual(800);
  expect(times).toHaveLength(8);
  for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(50); // one every ~100 ms, not all at once
  for (const e of r.epochs) expect(e.ms).toBeLessThan(300); // compute only
  expect(tf.memory().numTensors).toBe(before);
});
