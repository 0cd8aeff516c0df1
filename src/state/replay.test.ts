import { describe, expect, it } from 'vitest';
import { parseRunFile, replayDuration, replayFrame, replaySpeedFor } from './replay';
import type { SavedRun } from './slices/transfer';

const epoch = (i: number, ms: number) => ({ epoch: i, trainLoss: 1 / i, trainAcc: 0.1 * i, valLoss: 1.1 / i, valAcc: 0.1 * i, ms });
const run = (fromCache: boolean): SavedRun =>
  ({
    id: 'r1',
    label: 'fc8',
    date: '2026-11-23',
    model: 'm',
    dataset: 'd',
    classes: ['a', 'b'],
    strategy: 'fc8',
    config: { optimizer: 'sgd', lr: 0.01, momentum: 0.9, batchSize: 8, epochs: 2, dropout: 0.5, weightDecay: 0, seed: 0 },
    batchLosses: [5, 4, 3, 2, 1, 0.5, 0.4, 0.3],
    epochs: [epoch(1, 1000), epoch(2, 2000)],
    summary: { featureMs: 4000, fromCache, epochs: [], best: { epoch: 2, valAcc: 0.2 } },
  }) as unknown as SavedRun;

describe('replay', () => {
  it('follows the run’s own clock: the feature pass, then each epoch’s batches', () => {
    const r = run(false);
    expect(replayDuration(r)).toBe(7000);
    expect(replayFrame(r, 0)).toMatchObject({ phase: 'features', batchLosses: [], epochs: [] });
    expect(replayFrame(r, 2000)).toMatchObject({ phase: 'features', done: 50 });
    expect(replayFrame(r, 4500)).toMatchObject({ phase: 'train', batchLosses: [5, 4], epochs: [] });
    // Epoch 2 takes twice as long: halfway through it, 2 of its 4 batches.
    expect(replayFrame(r, 6000)).toMatchObject({ phase: 'train', batchLosses: [5, 4, 3, 2, 1, 0.5], epochs: [r.epochs[0]] });
    expect(replayFrame(r, 7000)).toMatchObject({ phase: 'done', batchLosses: r.batchLosses, epochs: r.epochs });
  });

  it('starts at the fastest speed that still lasts 15 s: 1× for a short run, 20× for a long one', () => {
    const r = run(false); // 7 s
    expect(replaySpeedFor(r)).toBe(1);
    const long = (ms: number) => ({ ...r, epochs: [epoch(1, ms - 4000)] }) as SavedRun;
    expect(replaySpeedFor(long(40_000))).toBe(2);
    expect(replaySpeedFor(long(160_000))).toBe(10);
    expect(replaySpeedFor(long(149_000))).toBe(5);
    expect(replaySpeedFor(long(3_600_000))).toBe(20);
  });

  it('a run trained from the feature cache still shows a short feature phase', () => {
    expect(replayDuration(run(true))).toBe(500 + 3000);
  });

  it('reads the studio’s JSON export (a list) or one run, and rejects anything else with a reason', () => {
    expect(parseRunFile(JSON.stringify([run(false)]))).toHaveLength(1);
    expect(parseRunFile(JSON.stringify(run(false)))[0]!.id).toBe('r1');
    expect(() => parseRunFile('{nope')).toThrow(/does not parse/);
    expect(() => parseRunFile('{"hello":1}')).toThrow(/no training run/);
    expect(() => parseRunFile(JSON.stringify([{ ...run(false), batchLosses: ['x'] }]))).toThrow(/no training run/);
  });
});
