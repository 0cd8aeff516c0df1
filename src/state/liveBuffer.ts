/** A run's live events on their way to the store: buffered, and drawn at a pace the page can keep. */
import type { EpochStats } from '../ml/training/loop';
import type { EpochAt } from './slices/transfer';
import { progressNow } from './progress';
import { useStore } from './store';

const set = useStore.setState;
const get = useStore.getState;

/**
 * Batches and epochs can arrive hundreds of times a second (a small dataset, many epochs): they are
 * buffered and drawn at most every FLUSH_MS, and never more often than twice the time the last
 * drawing took, so however long the run grows the page keeps at least two thirds of its time for
 * the student (Stop, Pause, scrolling). Each epoch drawn at once froze the tab for minutes at
 * 1,000 epochs of 10 ms.
 */
const FLUSH_MS = 150;
let pendingLosses: number[] = [];
let pendingEpochs: EpochStats[] = [];
let pendingProgress: { done: number; total: number; at: EpochAt } | null = null;
let flushTimer: ReturnType<typeof setTimeout> | null = null;
let drawMs = 0;

export function flush(): void {
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = null;
  const live = get().tlLive;
  if (!live || (pendingLosses.length === 0 && pendingEpochs.length === 0 && !pendingProgress)) return;
  const p = get().tlProgress;
  const t0 = performance.now();
  set({
    tlLive: { ...live, batchLosses: [...live.batchLosses, ...pendingLosses], epochs: pendingEpochs.length ? [...live.epochs, ...pendingEpochs] : live.epochs },
    ...(pendingProgress ? { tlProgress: progressNow(p, { phase: 'train', ...pendingProgress }, performance.now()) } : {}),
  });
  pendingLosses = [];
  pendingEpochs = [];
  pendingProgress = null;
  // The store's subscribers render synchronously; the next frame comes after they have been drawn.
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => (drawMs = performance.now() - t0));
}

function flushSoon(): void {
  flushTimer ??= setTimeout(flush, Math.max(FLUSH_MS, 2 * drawMs));
}

/** A batch's loss and where the run is: drawn with the next flush. */
export function bufferBatch(loss: number, progress: { done: number; total: number; at: EpochAt }): void {
  pendingLosses.push(loss);
  pendingProgress = progress;
  flushSoon();
}

/** An epoch's figures (the table, the epoch charts): drawn with the next flush. */
export function bufferEpoch(stats: EpochStats): void {
  pendingEpochs.push(stats);
  flushSoon();
}
