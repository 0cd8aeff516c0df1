import { describe, expect, it } from 'vitest';
import { etaMs, progressNow } from './progress';

describe('time left', () => {
  it('counts from where the phase began here: a run resumed at epoch 15 of 30 is not almost done', () => {
    // 30 epochs of 10 batches, resumed after epoch 14: the first batch event says 141 done.
    let p = progressNow(null, { phase: 'train', done: 141, total: 300 }, 1000);
    expect(p).toMatchObject({ startedAt: 1000, from: 141 });
    expect(etaMs(p, 1000)).toBeNull(); // nothing timed yet
    // 10 batches in 1 s (a paced epoch): 149 left take about 14.9 s, not 149 × 1 s / 151.
    p = progressNow(p, { phase: 'train', done: 151, total: 300 }, 2000);
    expect(p.startedAt).toBe(1000);
    expect(etaMs(p, 2000)).toBeCloseTo(14_900, 6);
  });

  it('a new phase starts a new clock; a run from the start counts from 0', () => {
    const features = progressNow(null, { phase: 'features', done: 0, total: 100 }, 0);
    expect(etaMs(progressNow(features, { phase: 'features', done: 50, total: 100 }, 5000), 5000)).toBeCloseTo(5000, 6);
    const train = progressNow(features, { phase: 'train', done: 1, total: 10 }, 9000);
    expect(train).toMatchObject({ startedAt: 9000, from: 1 });
    expect(etaMs({ phase: 'train', done: 5, total: 10, startedAt: 0 }, 1000)).toBeCloseTo(1000, 6); // no `from`: from 0
    expect(etaMs({ phase: 'train', done: 10, total: 10, startedAt: 0 }, 1000)).toBeNull(); // done
  });

  it('a placeholder ("train", nothing counted: a run moved to another backend after epoch 14) does not start the clock', () => {
    const moved = { phase: 'train' as const, done: 0, total: 0, startedAt: 0 };
    const p = progressNow(moved, { phase: 'train', done: 141, total: 300 }, 60_000);
    expect(p).toMatchObject({ startedAt: 60_000, from: 141 });
  });
});
