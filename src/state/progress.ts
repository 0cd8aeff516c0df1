/** The clock behind "about N s left": kept while a phase goes on, started afresh when one begins. */
import type { TransferSlice } from './slices/transfer';

export type TrainProgress = NonNullable<TransferSlice['tlProgress']>;

/**
 * `next` as the store holds it: the clock and starting count of `prev` while it is the same phase,
 * else from `now` and `next.done`. A placeholder with nothing counted yet (total 0: a run switched
 * to another backend, set to "train" before its first batch) starts nothing.
 */
export function progressNow(prev: TrainProgress | null, next: Omit<TrainProgress, 'startedAt' | 'from'>, now: number): TrainProgress {
  const same = prev !== null && prev.phase === next.phase && prev.total > 0;
  return { ...next, startedAt: same ? prev.startedAt : now, from: same ? (prev.from ?? 0) : next.done };
}

/**
 * Time left at the pace since the phase began here: steps done since then, not since step 1
 * (resumed at epoch 15 of 30, a run said "about 4.5 s left" of 15 paced epochs). Null until a step has been timed.
 */
export function etaMs(p: TrainProgress | null, now: number): number | null {
  if (!p) return null;
  const since = p.done - (p.from ?? 0);
  if (since <= 0 || p.total <= p.done) return null;
  return ((now - p.startedAt) / since) * (p.total - p.done);
}
