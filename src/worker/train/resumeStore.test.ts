/** The interrupted-run store: one transaction where the store has one, saves and clears in order, a full quota tolerated. */
import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '../../ml/training/loop';
import { MAX_SAVE_SHARE, RESUME_CHECKPOINT_KEY, RESUME_META_KEY, resumeStore, type ResumeBackingStore, type ResumeMeta } from './resumeStore';

const checkpoint = (epoch: number): Checkpoint => ({
  epoch,
  epochs: [],
  batchLosses: [1],
  weights: [Float32Array.from([epoch])],
  best: { epoch: 1, valAcc: 0.5 },
  bestWeights: null,
  optimizers: [],
  order: Int32Array.from([0, 1]),
  rand: 3,
});
const meta = (epoch: number) => ({ modelUrl: 'm', modelName: 'M', dataset: 'd', signature: 's', valFraction: 0.2, strategy: 'fc8', config: {}, epoch, epochs: [], batchLosses: [1], date: '' }) as unknown as ResumeMeta;

function store(opts: { many?: boolean; failSet?: boolean } = {}) {
  const map = new Map<IDBValidKey, unknown>();
  const log: string[] = [];
  const slow = () => new Promise((r) => setTimeout(r, 5));
  const s: ResumeBackingStore = {
    get: async <T>(k: IDBValidKey) => map.get(k) as T,
    set: async (k, v) => {
      if (opts.failSet) throw new Error('QuotaExceededError');
      await slow();
      log.push(`set ${String(k)}`);
      map.set(k, structuredClone(v));
    },
    keys: async () => [...map.keys()],
    del: async (k) => {
      log.push(`del ${String(k)}`);
      map.delete(k);
    },
  };
  if (opts.many) {
    s.setMany = async (entries) => {
      await slow();
      log.push(`setMany ${entries.map(([k]) => String(k)).join(',')}`);
      for (const [k, v] of entries) map.set(k, structuredClone(v));
    };
    s.delMany = async (keys) => {
      log.push(`delMany ${keys.length}`);
      for (const k of keys) map.delete(k);
    };
  }
  return { s, map, log };
}

describe('resume store', () => {
  it('writes the checkpoint and its description in one transaction, and reads them back together', async () => {
    const { s, log } = store({ many: true });
    const r = resumeStore(s);
    await r.save(meta(2), checkpoint(2));
    expect(log).toEqual([`setMany ${RESUME_CHECKPOINT_KEY},${RESUME_META_KEY}`]);
    const got = await r.load();
    expect(got?.meta.epoch).toBe(2);
    expect(Array.from(got!.checkpoint.weights[0]!)).toEqual([2]);
  });

  it('a clear issued while saves are in flight lands after them: nothing stale is left to resume', async () => {
    for (const many of [true, false]) {
      const { s, map } = store({ many });
      const r = resumeStore(s);
      void r.save(meta(1), checkpoint(1));
      void r.save(meta(2), checkpoint(2));
      await r.clear();
      expect([...map.keys()]).toEqual([]);
      expect(await r.load()).toBeNull();
    }
  });

  it('without a transaction for both, a description never points at another epoch’s checkpoint', async () => {
    const { s, map } = store();
    const r = resumeStore(s);
    await r.save(meta(1), checkpoint(1));
    map.set(RESUME_CHECKPOINT_KEY, checkpoint(2)); // as if a reload came between the two writes of epoch 2
    expect(await r.load()).toBeNull();
  });

  it('a costly write is not repeated until the run has gone on 1/MAX_SAVE_SHARE times as long: a big checkpoint every few epochs', async () => {
    const { s, log } = store({ many: true });
    let t = 0;
    const slowStore: ResumeBackingStore = { ...s, setMany: async (e) => { t += 400; await s.setMany!(e); } }; // a 400 ms write
    const r = resumeStore(slowStore, () => t);
    await r.save(meta(1), checkpoint(1)); // stored: nothing written yet
    t += 4_000; // a 4 s epoch
    await r.save(meta(2), checkpoint(2)); // skipped: 4 s since a 400 ms write is under 20 × 400 ms
    expect((await r.load())!.meta.epoch).toBe(1);
    t += 4_000;
    await r.save(meta(3), checkpoint(3)); // stored: 8 s ≥ 20 × 400 ms
    expect((await r.load())!.meta.epoch).toBe(3);
    expect(log.filter((l) => l.startsWith('setMany'))).toHaveLength(2);
    expect(MAX_SAVE_SHARE).toBe(0.05);
  });

  it('a full quota means no resume, not a failed run; no store means nothing stored', async () => {
    const { s } = store({ failSet: true });
    await expect(resumeStore(s).save(meta(1), checkpoint(1))).resolves.toBeUndefined();
    expect(await resumeStore(s).load()).toBeNull();
    expect(await resumeStore(null).load()).toBeNull();
  });
});
