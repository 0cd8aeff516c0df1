/**
 * The running run's last checkpoint, kept in IndexedDB after each epoch by the training worker, so
 * a reload or a closed tab does not lose a run: the page offers to continue it once the same model
 * and dataset are loaded again. The description (small, read by the page on every studio start) and
 * the checkpoint (weights and optimizer state: 330 KB for fc8, about 134 MB for fc7+fc8) are written
 * in one transaction where the store can, so they always describe the same epoch.
 */
import type { Strategy, TrainConfig } from '../../ml/core/vocab';
import type { Checkpoint, EpochStats } from '../../ml/training/loop';
import type { KeyValueStore } from './featureCache';

export const RESUME_META_KEY = 'transferlens.resume.meta';
export const RESUME_CHECKPOINT_KEY = 'transferlens.resume.checkpoint';

/** What the page shows of an interrupted run, and what it needs to continue it. */
export interface ResumeMeta {
  modelUrl: string;
  modelName: string;
  dataset: string;
  /** Where a dataset loaded from a URL came from, so the page can load it again in one click. */
  manifest?: { url: string; baseUrl?: string };
  /** The dataset's signature (items, labels, split): resuming needs the very same dataset. */
  signature: string;
  /** The validation share the dataset was split with (part of the signature). */
  valFraction: number;
  strategy: Strategy;
  config: TrainConfig;
  /** Completed epochs (of config.epochs). */
  epoch: number;
  epochs: EpochStats[];
  batchLosses: number[];
  date: string;
}

/** A store's writes and deletes of several keys at once (idb-keyval's setMany / delMany), or one by one. */
export type ResumeBackingStore = KeyValueStore & {
  setMany?: (entries: [IDBValidKey, unknown][]) => Promise<void>;
  delMany?: (keys: IDBValidKey[]) => Promise<void>;
};

/**
 * Writing a checkpoint stalls the worker while IndexedDB clones it (Chromium here: 1–2 ms for fc8's
 * 0.3 MB, 0.37–0.39 s for fc7+fc8's 200 MB of weights, best weights and momentum). At most this
 * share of a run's time goes to it: a big checkpoint is stored every few epochs, a small one every epoch.
 */
export const MAX_SAVE_SHARE = 0.05;

export function resumeStore(store: ResumeBackingStore | null, now: () => number = () => performance.now()) {
  // Saves and the final clear run in order: a clear never lands before a save it follows.
  let queue: Promise<void> = Promise.resolve();
  const then = (f: () => Promise<void>) => (queue = queue.then(f, f));
  let last = { at: -Infinity, ms: 0 };
  return {
    /**
     * Stores the checkpoint and its description, unless the last write was too recent for its cost
     * (MAX_SAVE_SHARE). The store clones the arrays when the write starts, so the caller transfers
     * them only after this resolves. A full quota only means no resume.
     */
    save(meta: ResumeMeta, checkpoint: Checkpoint): Promise<void> {
      if (!store || now() - last.at < last.ms / MAX_SAVE_SHARE) return queue;
      return then(async () => {
        const t0 = now();
        try {
          if (store.setMany)
            await store.setMany([
              [RESUME_CHECKPOINT_KEY, checkpoint],
              [RESUME_META_KEY, meta],
            ]);
          else {
            await store.del(RESUME_META_KEY);
            await store.set(RESUME_CHECKPOINT_KEY, checkpoint);
            await store.set(RESUME_META_KEY, meta);
          }
        } catch {
          /* quota or a closed database: this run just cannot be resumed after a reload */
        }
        last = { at: now(), ms: now() - t0 };
      });
    },
    /** The stored checkpoint, if its description is there too. */
    async load(): Promise<{ meta: ResumeMeta; checkpoint: Checkpoint } | null> {
      if (!store) return null;
      await queue;
      const [meta, checkpoint] = await Promise.all([store.get<ResumeMeta>(RESUME_META_KEY), store.get<Checkpoint>(RESUME_CHECKPOINT_KEY)]);
      return meta && checkpoint && checkpoint.epoch === meta.epoch ? { meta, checkpoint } : null;
    },
    /** After a run ends (finished or stopped): nothing left to resume. */
    clear(): Promise<void> {
      last = { at: -Infinity, ms: 0 };
      if (!store) return Promise.resolve();
      return then(async () => {
        await (store.delMany ? store.delMany([RESUME_META_KEY, RESUME_CHECKPOINT_KEY]) : Promise.all([store.del(RESUME_META_KEY), store.del(RESUME_CHECKPOINT_KEY)])).catch(() => undefined);
      });
    },
  };
}
