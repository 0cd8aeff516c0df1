/**
 * Continuing a run a reload or a closed tab cut off: the training worker stored its last completed
 * epoch (resumeStore.ts); with the same model and dataset loaded again, the run goes on from there
 * with its curves, recipe and strategy, and ends as if it had never stopped.
 */
import { del, delMany, get as idbGet, keys, set as idbSet } from 'idb-keyval';
import { resumeStore, type ResumeMeta } from '../worker/train/resumeStore';
import { useStore } from './store';
import { resumeBlocker } from './trainBlocker';
import { runTraining } from './transferActions';
import { session } from './trainWorker';

const set = useStore.setState;
const get = useStore.getState;

export async function resumeInterrupted(): Promise<void> {
  const st = get();
  const r: ResumeMeta | null = st.tlResume;
  if (!r || resumeBlocker(st)) return;
  session.checkpoint = null;
  set({
    tlResume: null,
    tlStrategy: r.strategy,
    tlConfig: { ...r.config },
    tlStatus: 'running',
    tlError: null,
    tlLive: { batchLosses: [...r.batchLosses], epochs: [...r.epochs], strategy: r.strategy },
    tlProgress: { phase: 'features', done: 0, total: 0, startedAt: performance.now() },
  });
  await runTraining(r.strategy, r.config, 0, true);
}

/** Forgets the cut-off run (its stored checkpoint too), through the store the worker writes it with. */
export async function discardInterrupted(): Promise<void> {
  set({ tlResume: null });
  await resumeStore({ get: idbGet, set: idbSet, keys, del, delMany }).clear();
}
