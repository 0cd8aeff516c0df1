/**
 * Chart data, arrays in and rows out: a debiased moving average for the batch loss (TensorBoard's
 * smoothing, its window a third of an epoch), bucket means so a long run stays cheap to draw,
 * and accuracy rows for the runs on show.
 */

/** Exponential moving average with the start-up bias removed: the first values are not pulled toward 0 or v₀. */
export function debiasedSmooth(values: readonly number[], k = 0.9): number[] {
  let s = 0;
  let w = 0;
  return values.map((v) => {
    s = k * s + (1 - k) * v;
    w = k * w + (1 - k);
    return s / w;
  });
}

/**
 * The smoothing weight for a run of `batchesPerEpoch` steps: every moving average lags a falling
 * loss (by k/(1−k) steps on a steady slope), so the window is a third of an epoch: on the sample
 * paintings' 7 batches an epoch, k = 0.57, a lag of 1.3 batches (with 0.9 it was 9, more than an
 * epoch, and the bold line sat above every raw loss). Never above TensorBoard's usual 0.9.
 */
export function smoothingFor(batchesPerEpoch: number): number {
  return Math.min(0.9, Math.max(0, 1 - 3 / Math.max(1, batchesPerEpoch)));
}

/** At most `max` points: means of consecutive buckets (the smoothed curve sampled at each bucket's end). */
export function lossRows(losses: readonly number[], max = 400, k = 0.9): { step: number; loss: number; smoothed: number }[] {
  const sm = debiasedSmooth(losses, k);
  const step = Math.max(1, Math.ceil(losses.length / max));
  const out: { step: number; loss: number; smoothed: number }[] = [];
  for (let i = 0; i < losses.length; i += step) {
    const j = Math.min(losses.length, i + step);
    let s = 0;
    for (let k = i; k < j; k++) s += losses[k]!;
    out.push({ step: j, loss: s / (j - i), smoothed: sm[j - 1]! });
  }
  return out;
}

/** One row per epoch up to the longest run on show (not the longest run ever saved). */
export function accuracyRows(runs: { id: string; valAcc: number[] }[]): Record<string, number>[] {
  const n = Math.max(1, ...runs.map((r) => r.valAcc.length));
  return Array.from({ length: n }, (_, e) => {
    const row: Record<string, number> = { epoch: e + 1 };
    for (const r of runs) if (r.valAcc[e] !== undefined) row[r.id] = r.valAcc[e]!;
    return row;
  });
}

/**
 * The saved runs drawn by default: the `recent` latest on the studio's dataset (accuracies on
 * another dataset, with other classes and another chance level, do not compare), or the latest
 * of all when none is on it.
 */
export function defaultRuns<R extends { id: string; dataset: string }>(runs: readonly R[], dataset: string | undefined, recent: number): Set<string> {
  const same = dataset === undefined ? runs : runs.filter((r) => r.dataset === dataset);
  return new Set((same.length ? same : runs).slice(-recent).map((r) => r.id));
}

/** The class count every curve shares (its chance level is 1/n), or 0 when they differ; `fallback` when nothing is drawn. */
export function sharedClassCount(counts: readonly number[], fallback: number): number {
  const distinct = new Set(counts);
  return distinct.size === 1 ? counts[0]! : distinct.size === 0 ? fallback : 0;
}

/**
 * For each run, the earlier run on show whose curve it repeats point for point, by id: its line lies
 * exactly on that one's, so the legend says so, and why when the settings (`settings`: any fingerprint
 * of seed, model, data and recipe) are the same too: the same seed and settings give the same run.
 */
export function repeatedCurves(runs: readonly { id: string; valAcc: readonly number[]; settings: string }[]): Map<string, { of: string; sameSettings: boolean }> {
  const out = new Map<string, { of: string; sameSettings: boolean }>();
  runs.forEach((r, i) => {
    const first = runs.slice(0, i).find((q) => !out.has(q.id) && q.valAcc.length === r.valAcc.length && q.valAcc.every((v, e) => v === r.valAcc[e]));
    if (first && r.valAcc.length > 0) out.set(r.id, { of: first.id, sameSettings: first.settings === r.settings });
  });
  return out;
}

/** Steps a reader counts in at a glance: 1, 2, 2.5 or 5 × a power of ten (0.8s and 0.6s read slowly). */
const ROUND_STEPS = [1, 2, 2.5, 5, 10];

/**
 * Ticks for a loss axis from 0: four or five equal, round steps, the lowest top that reaches `max`
 * (Recharts' own split a maximum of 3.4 into 0.85s). Undefined when there is no finite loss to
 * show (a diverged run): Recharts' own axis then. An axis beside it (accuracy) takes as many steps,
 * so both draw their ticks at the gridlines' heights.
 */
export function lossTicks(max: number): number[] | undefined {
  if (!(max > 0) || !Number.isFinite(max)) return undefined;
  let best: { top: number; step: number; n: number } | null = null;
  for (const n of [4, 5]) {
    const raw = max / n;
    const p = 10 ** Math.floor(Math.log10(raw));
    const step = ROUND_STEPS.find((m) => m * p >= raw * (1 - 1e-9))! * p;
    if (!best || step * n < best.top - 1e-12) best = { top: step * n, step, n };
  }
  return Array.from({ length: best!.n + 1 }, (_, i) => +(i * best!.step).toPrecision(12));
}

/** Accuracy ticks from 0 to 1 in `intervals` equal steps (quarters, or fifths beside a five-step loss axis). */
export function accuracyTicks(intervals: number): number[] {
  return Array.from({ length: intervals + 1 }, (_, i) => +(i / intervals).toPrecision(12));
}

/** The largest finite value of these fields over the rows (0 when there is none). */
export function finiteMax<R>(rows: readonly R[], keys: readonly (keyof R)[]): number {
  let m = 0;
  for (const r of rows)
    for (const k of keys) {
      const v = r[k];
      if (typeof v === 'number' && Number.isFinite(v) && v > m) m = v;
    }
  return m;
}

/**
 * Whole-number ticks on a count axis (batches, epochs) from `min` to `max`: every 1, 2, 5, 10, …,
 * at most `most` of them, on the step's multiples (Recharts' own left 1, 3, 5, 7, 8).
 */
export function countTicks(min: number, max: number, most: number): number[] {
  if (!(max >= min) || !Number.isFinite(max)) return [];
  let step = 1;
  for (let i = 0; Math.floor(max / step) - Math.ceil(min / step) + 1 > most; i++) step = [1, 2, 5][(i + 1) % 3]! * 10 ** Math.floor((i + 1) / 3);
  const out: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max; t += step) out.push(t);
  return out;
}
