/**
 * Replaying a saved run on the charts: what a run looked like `t` milliseconds after it
 * started, on its own clock (the trunk's feature pass, then each epoch's recorded time,
 * its batches spread evenly). Pure; the replay timer in classroomActions advances `t`.
 */
import type { EpochStats } from '../ml/training/loop';
import type { SavedRun } from './slices/transfer';

export interface ReplayFrame {
  phase: 'features' | 'train' | 'done';
  batchLosses: number[];
  epochs: EpochStats[];
  /** Progress within the phase. */
  done: number;
  total: number;
}

/** Shortest replayed feature pass / epoch, so a run trained from the cache still shows its shape. */
const MIN_FEATURES_MS = 500;
const MIN_EPOCH_MS = 300;

/** The replay speeds on offer. */
export const REPLAY_SPEEDS = [1, 2, 5, 10, 20] as const;
/** A replay a class can follow lasts at least this long where the run allows. */
const WATCHABLE_MS = 15_000;

/**
 * The speed a replay starts at unless one was chosen: the fastest that still lasts 15 s (1× for
 * a shorter run). A flat 10× played a 20-second run in 2 s, over before anyone looked up.
 */
export function replaySpeedFor(run: SavedRun): number {
  const d = replayDuration(run);
  return [...REPLAY_SPEEDS].reverse().find((s) => d / s >= WATCHABLE_MS) ?? 1;
}

export function replayDuration(run: SavedRun): number {
  return featuresMs(run) + run.epochs.reduce((a, e) => a + epochMs(e), 0);
}

function featuresMs(run: SavedRun): number {
  return run.summary.fromCache ? MIN_FEATURES_MS : Math.max(MIN_FEATURES_MS, run.summary.featureMs);
}

function epochMs(e: EpochStats): number {
  return Math.max(MIN_EPOCH_MS, e.ms);
}

export function replayFrame(run: SavedRun, t: number): ReplayFrame {
  const f = featuresMs(run);
  const perEpoch = run.epochs.length ? Math.floor(run.batchLosses.length / run.epochs.length) : 0;
  const totalBatches = perEpoch * run.epochs.length;
  if (t < f) return { phase: 'features', batchLosses: [], epochs: [], done: Math.floor((t / f) * 100), total: 100 };
  let clock = f;
  for (let i = 0; i < run.epochs.length; i++) {
    const d = epochMs(run.epochs[i]!);
    if (t < clock + d) {
      const inEpoch = Math.floor(((t - clock) / d) * perEpoch);
      const batches = i * perEpoch + inEpoch;
      return { phase: 'train', batchLosses: run.batchLosses.slice(0, batches), epochs: run.epochs.slice(0, i), done: batches, total: totalBatches };
    }
    clock += d;
  }
  return { phase: 'done', batchLosses: run.batchLosses, epochs: run.epochs, done: totalBatches, total: totalBatches };
}

/** Runs from an imported file: the app's own JSON export (a list) or one run. Throws with a reason. */
export function parseRunFile(text: string): SavedRun[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`not a runs file: the JSON does not parse (${(e as Error).message})`);
  }
  const list = Array.isArray(v) ? v : [v];
  const runs = list.filter(isRun);
  if (runs.length === 0) throw new Error('not a runs file: no training run in it (export one with "Runs as JSON" in the studio)');
  return runs;
}

function isRun(v: unknown): v is SavedRun {
  if (!v || typeof v !== 'object') return false;
  const r = v as Partial<SavedRun>;
  return (
    typeof r.id === 'string' &&
    Array.isArray(r.batchLosses) &&
    r.batchLosses.every((x) => typeof x === 'number') &&
    Array.isArray(r.epochs) &&
    r.epochs.every((e) => e && typeof e.epoch === 'number' && typeof e.valAcc === 'number' && typeof e.ms === 'number') &&
    !!r.summary &&
    typeof r.summary.featureMs === 'number' &&
    !!r.config
  );
}
