import { describe, expect, it } from 'vitest';
import { accuracyRows, accuracyTicks, countTicks, debiasedSmooth, defaultRuns, finiteMax, lossRows, lossTicks, repeatedCurves, sharedClassCount, smoothingFor } from './chartData';

describe('chart data', () => {
  it('debiased smoothing starts on the data (no lag on a short run) and follows a step', () => {
    const s = debiasedSmooth([2, 2, 2, 2]);
    s.forEach((v) => expect(v).toBeCloseTo(2, 10));
    const step = debiasedSmooth([...Array(5).fill(3), ...Array(60).fill(1)]);
    expect(step[0]).toBeCloseTo(3, 10);
    expect(step.at(-1)!).toBeLessThan(1.01);
    // A plain EMA started at v₀ would still be far above the falling loss after 5 steps; this one is not.
    const falling = debiasedSmooth([2.0, 1.6, 1.3, 1.1, 1.0]);
    expect(falling.at(-1)!).toBeLessThan(1.5);
  });

  it('the smoothed loss lags a falling loss by under a third of an epoch', () => {
    for (const perEpoch of [2, 7, 25, 300]) {
      const k = smoothingFor(perEpoch);
      expect(k).toBeGreaterThanOrEqual(0);
      expect(k).toBeLessThanOrEqual(0.9);
      // A loss falling by 1 an epoch, for 10 epochs: the lag is how far the smoothed line sits above the raw one, in batches.
      const losses = Array.from({ length: perEpoch * 10 }, (_, i) => 20 - i / perEpoch);
      const rows = lossRows(losses, Infinity, k);
      const lagBatches = (rows.at(-1)!.smoothed - rows.at(-1)!.loss) * perEpoch;
      expect(lagBatches).toBeGreaterThanOrEqual(0);
      expect(lagBatches).toBeLessThan(Math.max(1, perEpoch / 3));
    }
    // The fixed 0.9 this replaces lagged 9 batches: more than an epoch of the sample paintings' 7.
    const seven = Array.from({ length: 70 }, (_, i) => 20 - i / 7);
    expect((lossRows(seven, Infinity).at(-1)!.smoothed - seven.at(-1)!) * 7).toBeGreaterThan(7);
  });

  it('loss rows: at most `max` bucket means, ending on the last batch', () => {
    const losses = Array.from({ length: 1000 }, (_, i) => 1 + (i % 2));
    const rows = lossRows(losses, 100);
    expect(rows).toHaveLength(100);
    expect(rows.at(-1)!.step).toBe(1000);
    rows.forEach((r) => expect(r.loss).toBeCloseTo(1.5, 10));
  });

  it('accuracy rows span the longest run shown, not every run ever saved', () => {
    const rows = accuracyRows([
      { id: 'a', valAcc: [0.3, 0.4] },
      { id: 'b', valAcc: [0.2, 0.3, 0.35] },
    ]);
    expect(rows).toEqual([
      { epoch: 1, a: 0.3, b: 0.2 },
      { epoch: 2, a: 0.4, b: 0.3 },
      { epoch: 3, b: 0.35 },
    ]);
  });

  it('by default the recent runs on the studio\'s dataset are drawn; the latest of all when none is on it', () => {
    const runs = [
      { id: 'a', dataset: 'art3' },
      { id: 'b', dataset: 'art2' },
      { id: 'c', dataset: 'art3' },
      { id: 'd', dataset: 'art2' },
      { id: 'e', dataset: 'art3' },
      { id: 'f', dataset: 'art3' },
    ];
    expect([...defaultRuns(runs, 'art3', 3)]).toEqual(['c', 'e', 'f']);
    expect([...defaultRuns(runs, 'art2', 3)]).toEqual(['b', 'd']);
    expect([...defaultRuns(runs, 'other', 2)]).toEqual(['e', 'f']);
    expect([...defaultRuns(runs, undefined, 2)]).toEqual(['e', 'f']);
  });

  it('chance is drawn only for a class count every curve shares', () => {
    expect(sharedClassCount([3, 3], 0)).toBe(3);
    expect(sharedClassCount([3, 2], 7)).toBe(0);
    expect(sharedClassCount([], 7)).toBe(7);
  });
});

describe('repeatedCurves', () => {
  it('names, for a run whose curve repeats an earlier one point for point, that earlier run, and whether the settings are the same', () => {
    const runs = [
      { id: 'a', valAcc: [0.2, 0.3, 0.35], settings: 'seed 1' },
      { id: 'b', valAcc: [0.2, 0.31, 0.35], settings: 'seed 1' }, // one epoch differs
      { id: 'c', valAcc: [0.2, 0.3, 0.35], settings: 'seed 1' }, // a's seed and settings again
      { id: 'd', valAcc: [0.2, 0.3, 0.35], settings: 'seed 2' }, // the same curve by chance (a small validation set): under a, not under c
      { id: 'e', valAcc: [0.2, 0.3], settings: 'seed 1' }, // a's first two epochs only: a different run
    ];
    expect([...repeatedCurves(runs)]).toEqual([
      ['c', { of: 'a', sameSettings: true }],
      ['d', { of: 'a', sameSettings: false }],
    ]);
  });

  it('says nothing of runs with no epochs yet, or of a single run', () => {
    expect(repeatedCurves([{ id: 'a', valAcc: [], settings: '' }, { id: 'b', valAcc: [], settings: '' }]).size).toBe(0);
    expect(repeatedCurves([{ id: 'a', valAcc: [0.5], settings: '' }]).size).toBe(0);
  });

  it('a loss axis goes from 0 in four or five round steps (1, 2, 2.5, 5 × 10^k), the lowest top that reaches the largest loss', () => {
    expect(lossTicks(3.3)).toEqual([0, 1, 2, 3, 4]); // Recharts' own: 0, 0.85, 1.7, 2.55, 3.4
    expect(lossTicks(3.2)).toEqual([0, 1, 2, 3, 4]); // not 0, 0.8, 1.6, 2.4, 3.2
    expect(lossTicks(2.3026)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    expect(lossTicks(2)).toEqual([0, 0.5, 1, 1.5, 2]); // exactly on a step: no fifth interval
    expect(lossTicks(1.2)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
    expect(lossTicks(0.07)).toEqual([0, 0.02, 0.04, 0.06, 0.08]);
    expect(lossTicks(14)).toEqual([0, 5, 10, 15, 20]);
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(lossTicks(bad)).toBeUndefined();
    // Any maximum: 5 or 6 ticks, each step one of the round ones, the top at most 1.6× the maximum.
    for (let max = 0.013; max < 500; max *= 1.37) {
      const t = lossTicks(max)!;
      const step = t[1]!;
      expect([5, 6]).toContain(t.length);
      expect([1, 2, 2.5, 5]).toContain(+(step / 10 ** Math.floor(Math.log10(step))).toPrecision(6));
      expect(t.at(-1)!).toBeGreaterThanOrEqual(max);
      expect(t.at(-1)! / max).toBeLessThan(1.6);
    }
  });

  it('accuracy ticks match the loss axis beside them: quarters or fifths', () => {
    expect(accuracyTicks(4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(accuracyTicks(5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('the largest loss on show ignores a diverged batch (NaN, Infinity)', () => {
    expect(finiteMax([{ a: 1, b: Number.NaN }, { a: Number.POSITIVE_INFINITY, b: 2.5 }], ['a', 'b'])).toBe(2.5);
    expect(finiteMax([{ a: Number.NaN }], ['a'])).toBe(0);
  });

  it('a count axis labels every 1, 2, 5, 10, … on their multiples, at most as many as asked', () => {
    expect(countTicks(1, 4, 10)).toEqual([1, 2, 3, 4]);
    expect(countTicks(1, 8, 6)).toEqual([2, 4, 6, 8]); // Recharts' own: 1, 3, 5, 7, 8
    expect(countTicks(1, 56, 6)).toEqual([10, 20, 30, 40, 50]);
    expect(countTicks(3, 1200, 6)).toEqual([200, 400, 600, 800, 1000, 1200]);
    expect(countTicks(1, 1, 6)).toEqual([1]);
    expect(countTicks(1, 30, 10)).toEqual([5, 10, 15, 20, 25, 30]);
    for (const [lo, hi, most] of [[1, 97, 6], [1, 4004, 6], [7, 13, 3]] as const) {
      const t = countTicks(lo, hi, most);
      expect(t.length).toBeGreaterThan(0);
      expect(t.length).toBeLessThanOrEqual(most);
      expect(t.every((x) => x >= lo && x <= hi)).toBe(true);
    }
  });
});
