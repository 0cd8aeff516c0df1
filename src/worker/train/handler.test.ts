/** The training worker's handler in Node: a real (random-weights) model over HTTP, real paintings, the whole session. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeModelDir } from '../../../scripts/lib/fsModel';
import { decodeImageBytes } from '../../../scripts/lib/nodeImage';
import { sharedFile } from '../../../test/shared';
import { tfReady } from '../../../test/tfSetup';
import { makeRandomModelFiles } from '../../ml/convert/checkpoint';
import { checkpointBuffers } from '../../ml/training/loop';
import { createTrainHandler } from './handler';
import type { KeyValueStore } from './featureCache';
import type { TrainEvent, TrainRequest } from './protocol';

let server: Server;
let base: string;
const dir = mkdtempSync(join(tmpdir(), 'tl-train-handler-'));

beforeAll(async () => {
  await tfReady();
  writeModelDir(join(dir, 'sq'), makeRandomModelFiles('squeezenet1_1', 3, { numClasses: 10 }));
  server = createServer((req, res) => {
    const p = join(dir, decodeURIComponent(new URL(req.url!, 'http://x').pathname));
    if (!existsSync(p)) return void res.writeHead(404).end('not found');
    res.writeHead(200).end(readFileSync(p));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function paintings(perClass: number) {
  const root = sharedFile('datasets/wikiart7');
  const files: File[] = [];
  const paths: string[] = [];
  for (const style of ['Baroque', 'Impressionism', 'Symbolism'])
    for (const f of readdirSync(join(root, style)).sort().slice(0, perClass)) {
      files.push(new File([readFileSync(join(root, style, f))], f));
      paths.push(`mini/${style}/${f}`);
    }
  // A text file named .jpg among the paintings: left out when the dataset is read, and counted.
  files.push(new File(['not an image'], 'notes.jpg'));
  paths.push('mini/Baroque/notes.jpg');
  // A JPEG broken after its first bytes: only decoding finds it, so training skips and counts it, never fatal.
  files.push(new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 7, 7, 7])], 'broken.jpg'));
  paths.push('mini/Baroque/broken.jpg');
  return { files, paths };
}

/** An in-memory IndexedDB: values cloned when written, as IndexedDB's put does. */
function memoryStore(map = new Map<IDBValidKey, unknown>()): KeyValueStore {
  return { get: async <T>(k: IDBValidKey) => map.get(k) as T, set: async (k, v) => void map.set(k, structuredClone(v)), keys: async () => [...map.keys()], del: async (k) => void map.delete(k) };
}

function harness(store = memoryStore(), onEvent?: (e: TrainEvent) => void) {
  const events: TrainEvent[] = [];
  /** How many buffers each event moved. */
  const moved = new Map<TrainEvent, number>();
  // As postMessage does: what is listed is moved (detached here), the rest copied.
  const handle = createTrainHandler((e, transfer) => {
    const sent = transfer?.length ? structuredClone(e, { transfer }) : e;
    moved.set(sent, transfer?.length ?? 0);
    events.push(sent);
    onEvent?.(sent);
  }, {
    decode: async (b) => decodeImageBytes(b instanceof Blob ? new Uint8Array(await b.arrayBuffer()) : b),
    store,
    cores: 2, // a 2-core laptop: both workers run two threads, and training waits for the model worker
  });
  let id = 0;
  type Req = TrainRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;
  const send = async (req: Req) => {
    const rid = ++id;
    await handle({ ...req, id: rid } as TrainRequest);
    const mine = events.filter((e) => e.id === rid);
    const final = mine.at(-1)!;
    if (final.type === 'error') throw new Error(final.error.message);
    return { result: (final as { result: unknown }).result as never, live: mine.slice(0, -1) };
  };
  return { send, events, moved, handle };
}

describe('training worker handler', () => {
  it('asks for a model and a dataset first, in words', async () => {
    const { send } = harness();
    await expect(send({ type: 'plan', strategy: 'fc8' })).rejects.toThrow('load a model first');
  });

  it('a whole session: model, dataset, plan, train with live events, cache, export, clear', async () => {
    const { send, moved } = harness();
    await send({ type: 'init', backend: 'wasm', wasmPaths: {} });
    const model = (await send({ type: 'loadModel', url: `${base}/sq/model.json` })).result as { strategies: string[]; arch: string };
    expect(model.arch).toBe('squeezenet1_1');
    expect(model.strategies).toContain('fc8');
    const summary = (await send({ type: 'loadDataset', source: { kind: 'files', ...paintings(8) }, valFraction: 0.25, seed: 1 })).result as { classes: string[]; train: number; val: number; warnings: string[] };
    expect(summary.classes).toEqual(['Baroque', 'Impressionism', 'Symbolism']);
    expect(summary.train + summary.val).toBe(25); // 24 paintings and broken.jpg; notes.jpg is not in the split
    expect(summary.warnings).toContain('1 skipped: not an image inside (named like one; its bytes are not JPEG, PNG, GIF, WebP or BMP): mini/Baroque/notes.jpg');
    const plan = (await send({ type: 'plan', strategy: 'fc8' })).result as { rows: { name: string; status: string }[] };
    expect(plan.rows.some((r) => r.status === 'new')).toBe(true);

    const before = tf.memory().numTensors;
    const config = { optimizer: 'sgd' as const, lr: 0.01, momentum: 0.9, batchSize: 8, epochs: 2, dropout: 0.5, weightDecay: 0, seed: 0 };
    const run = await send({ type: 'train', strategy: 'fc8', config });
    const r = run.result as { epochs: unknown[]; fromCache: boolean; unreadable: number; unreadableNames: string[]; confusion: number[][] };
    expect(r.epochs).toHaveLength(2);
    expect(r.fromCache).toBe(false);
    expect(r.unreadable).toBe(1);
    expect(r.unreadableNames).toEqual(['broken.jpg']); // named, so the page can say which
    expect(r.confusion.flat().reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const kinds = new Set(run.live.map((e) => e.type));
    for (const k of ['phase', 'batch', 'epoch', 'checkpoint']) expect(kinds).toContain(k);
    // Checkpoints are moved to the page, not copied: every array arrives, and the run (export below) never needed them again.
    const cpEvents = run.live.filter((e) => e.type === 'checkpoint');
    expect(cpEvents.map((e) => moved.get(e))).toEqual(cpEvents.map((e) => checkpointBuffers(e.checkpoint).length));
    expect(moved.get(cpEvents[0]!)).toBeGreaterThan(3); // weights, best weights, momentum, order
    const cps = cpEvents.map((e) => e.checkpoint);
    expect(cps).toHaveLength(2);
    expect(cps[1]!.weights.every((w) => w.length > 0 && w.some((v) => v !== 0))).toBe(true);
    expect(cps[1]!.optimizers.flat().length).toBeGreaterThan(0);

    expect((await send({ type: 'cacheInfo' })).result).toMatchObject({ entries: 1, images: 24 });
    const again = (await send({ type: 'train', strategy: 'fc8', config })).result as { fromCache: boolean };
    expect(again.fromCache).toBe(true);

    const exp = (await send({ type: 'export', which: 'best' })).result as { files: { name: string; bytes: Uint8Array }[] };
    const json = JSON.parse(new TextDecoder().decode(exp.files.find((f) => f.name === 'model.json')!.bytes));
    expect(json.userDefinedMetadata.transferlens.labels).toEqual(['Baroque', 'Impressionism', 'Symbolism']);
    // The last run's head stays alive for export; nothing else is left behind.
    expect(tf.memory().numTensors - before).toBe(2); // w and b of fc8's replacement
    expect((await send({ type: 'clearCache' })).result).toEqual({ removed: 1 });

    // The feature space of that run: trunk by PCA, the head's view by UMAP (one layer on the trunk: its class scores).
    type Emb = { points: { label: number }[]; kind: string; layer: string; method: string };
    const trunk = (await send({ type: 'embedding', method: 'pca', space: 'trunk' })).result as Emb;
    expect(trunk).toMatchObject({ kind: 'trunk', method: 'pca' });
    expect(trunk.points).toHaveLength(24);
    const head = await send({ type: 'embedding', method: 'umap', space: 'head' });
    expect(head.result as Emb).toMatchObject({ kind: 'scores', layer: 'classifier', method: 'umap' });
    expect((head.result as Emb).points).toHaveLength(24);
    expect(head.live.some((e) => e.type === 'phase')).toBe(true);
    expect(tf.memory().numTensors - before).toBe(2);
  });

  it('the random-trunk control trains on its own features and gives the pretrained weights back', async () => {
    const { send } = harness();
    await send({ type: 'init', backend: 'wasm', wasmPaths: {} });
    await send({ type: 'loadModel', url: `${base}/sq/model.json` });
    await send({ type: 'loadDataset', source: { kind: 'files', ...paintings(4) }, valFraction: 0.25, seed: 1 });
    const config = { optimizer: 'sgd' as const, lr: 0.01, momentum: 0.9, batchSize: 8, epochs: 1, dropout: 0.5, weightDecay: 0, seed: 0 };
    const pre = (await send({ type: 'train', strategy: 'fc8', config })).result as { epochs: { valLoss: number }[] };
    const rnd = (await send({ type: 'train', strategy: 'fc8', config: { ...config, trunk: 'random' } })).result as { fromCache: boolean; epochs: { valLoss: number }[] };
    expect(rnd.fromCache).toBe(false); // not the pretrained trunk's cached features
    expect(rnd.epochs[0]!.valLoss).not.toBe(pre.epochs[0]!.valLoss);
    const again = (await send({ type: 'train', strategy: 'fc8', config })).result as { fromCache: boolean; epochs: { valLoss: number }[] };
    expect(again.fromCache).toBe(true);
    expect(again.epochs[0]!.valLoss).toBe(pre.epochs[0]!.valLoss); // the pretrained trunk is back, unchanged
  });

  it('a run waits between batches while the model worker computes on the shared cores, and a stop still ends it', async (ctx) => {
    const { send, events } = harness();
    const info = (await send({ type: 'init', backend: 'wasm', wasmPaths: {} })).result as { yieldsToModel: boolean; threads?: number };
    // Two threads on two cores: the model worker's would share them. One thread (TFJS_WASM_THREADS=1) shares nothing.
    expect(info.yieldsToModel).toBe((info.threads ?? 1) > 1);
    if (!info.yieldsToModel) ctx.skip();
    await send({ type: 'loadModel', url: `${base}/sq/model.json` });
    await send({ type: 'loadDataset', source: { kind: 'files', ...paintings(2) }, valFraction: 0.34, seed: 1 });
    const config = { optimizer: 'sgd' as const, lr: 0.01, momentum: 0.9, batchSize: 4, epochs: 1, dropout: 0.5, weightDecay: 0, seed: 0 };
    expect(((await send({ type: 'modelBusy', busy: true })).result as { yielding: boolean }).yielding).toBe(true);
    const features = () => events.filter((e) => e.type === 'phase' && e.phase === 'features').length;
    const run = send({ type: 'train', strategy: 'fc8', config });
    await new Promise((r) => setTimeout(r, 300));
    expect(features()).toBe(0); // held before the first batch of features
    await send({ type: 'modelBusy', busy: false });
    const r = (await run).result as { epochs: unknown[] };
    expect(r.epochs).toHaveLength(1);
    const mem = (await send({ type: 'memory' })).result as { yieldedToModel: { count: number; ms: number } };
    expect(mem.yieldedToModel.count).toBe(1);
    expect(mem.yieldedToModel.ms).toBeGreaterThanOrEqual(250);

    // Held again (from the cache now: straight to the batches), then stopped: the run ends without waiting for the model worker.
    await send({ type: 'modelBusy', busy: true });
    const held = send({ type: 'train', strategy: 'fc8', config });
    await new Promise((r) => setTimeout(r, 100));
    await send({ type: 'stop' });
    const stopped = (await held).result as { epochs: unknown[]; stopped: boolean };
    expect(stopped.epochs).toHaveLength(0);
    await send({ type: 'modelBusy', busy: false });
  });

  it('a run a reload cut off continues in a new worker from the checkpoint the old one stored, and ends with every epoch', async () => {
    const store = memoryStore();
    const config = { optimizer: 'sgd' as const, lr: 0.01, momentum: 0.9, batchSize: 4, epochs: 6, dropout: 0.5, weightDecay: 0, seed: 0 };
    const open = async (send: ReturnType<typeof harness>['send'], perClass = 6) => {
      await send({ type: 'init', backend: 'wasm', wasmPaths: {} });
      await send({ type: 'loadModel', url: `${base}/sq/model.json` });
      await send({ type: 'loadDataset', source: { kind: 'files', ...paintings(perClass) }, valFraction: 0.25, seed: 1 });
    };
    // The uninterrupted run, for reference (its own store: it clears what it stored when it ends).
    const refStore = memoryStore();
    const ref = harness(refStore);
    await open(ref.send);
    const whole = (await ref.send({ type: 'train', strategy: 'fc8', config })).result as { epochs: { epoch: number; valAcc: number; trainLoss: number }[] };
    expect(await refStore.keys()).not.toContain('transferlens.resume.meta');

    // The first tab: paused for good after its second epoch, as a reload would leave it.
    let cut = false;
    const first = harness(store, (e) => {
      if (e.type === 'checkpoint' && e.checkpoint.epoch >= 2 && !cut) {
        cut = true;
        void first.handle({ type: 'pause', id: 999, paused: true });
      }
    });
    await open(first.send);
    void first.send({ type: 'train', strategy: 'fc8', config });
    await expect.poll(() => cut, { timeout: 60_000 }).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    const meta = (await store.get('transferlens.resume.meta')) as { epoch: number; strategy: string; dataset: string; epochs: unknown[]; signature: string };
    // Epochs of milliseconds here: the store may have skipped some (MAX_SAVE_SHARE), never the first.
    expect(meta.epoch).toBeGreaterThanOrEqual(1);
    expect(meta.epoch).toBeLessThan(6);
    expect(meta.epochs).toHaveLength(meta.epoch);
    expect(meta.strategy).toBe('fc8');

    // The reloaded tab: another dataset is refused in words; the same one continues where the first stopped.
    const second = harness(store);
    await open(second.send, 5);
    await expect(second.send({ type: 'train', strategy: 'fc8', config, resumeStored: true })).rejects.toThrow(/the interrupted run trained .* on .*: load those to resume it/);
    await second.send({ type: 'loadDataset', source: { kind: 'files', ...paintings(6) }, valFraction: 0.25, seed: 1 });
    const resumed = await second.send({ type: 'train', strategy: 'fc8', config, resumeStored: true });
    const r = resumed.result as { epochs: { epoch: number; valAcc: number; trainLoss: number }[] };
    expect(r.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    // Only the epochs after the stored one were trained here, and they are the uninterrupted run's.
    expect(resumed.live.filter((e) => e.type === 'epoch').map((e) => (e as { stats: { epoch: number } }).stats.epoch)).toEqual([1, 2, 3, 4, 5, 6].slice(meta.epoch));
    expect(r.epochs.map((e) => [e.valAcc, e.trainLoss])).toEqual(whole.epochs.map((e) => [e.valAcc, e.trainLoss]));
    // Finished: nothing is left to resume.
    expect(await store.get('transferlens.resume.meta')).toBeUndefined();
    expect(await store.get('transferlens.resume.checkpoint')).toBeUndefined();
    await expect(second.send({ type: 'train', strategy: 'fc8', config, resumeStored: true })).rejects.toThrow('the interrupted run is no longer stored');
  });

  it('a checkpoint moves every one of its arrays to the page, each buffer listed once', () => {
    const shared = new Float32Array(8);
    const cp = {
      epoch: 1,
      epochs: [],
      batchLosses: [0.5],
      weights: [new Float32Array(4), shared.subarray(0, 4)],
      best: { epoch: 1, valAcc: 0.5 },
      bestWeights: [shared.subarray(4)],
      optimizers: [[{ name: 'm', shape: [4], data: new Float32Array(4) }, { name: 'iter', shape: [], data: new Int32Array(1) }]],
      order: Int32Array.from([1, 0]),
      rand: 7,
    };
    const moved = structuredClone(cp, { transfer: checkpointBuffers(cp) });
    for (const a of [...cp.weights, ...cp.bestWeights, ...cp.optimizers[0]!.map((o) => o.data), cp.order]) expect(a.byteLength).toBe(0);
    expect(moved.order).toEqual(Int32Array.from([1, 0]));
    expect(moved.bestWeights[0]!.length).toBe(4);
  });
});
