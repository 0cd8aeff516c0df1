/** The training worker's parts, without a worker: dataset sources, the feature cache, run summaries. */
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { EMPTY_FILE, fromPaths, NOT_AN_IMAGE_INSIDE, stratifiedSplit } from '../../ml/core/dataset';
import type { FineTuneResult } from '../../ml/training/pipeline';
import { datasetSummary, MAX_ZIP_ENTRY_BYTES, openDatasetSource } from './datasetSource';
import { FEATURE_PREFIX, featureCache, featureKey, META_PREFIX, type KeyValueStore } from './featureCache';
import { CELL_LIMIT, MISTAKE_LIMIT, runSummary } from './runSummary';

const noFetch = (() => Promise.reject(new Error('no network'))) as unknown as typeof fetch;
const file = (name: string, text = name) => new File([text], name);
/** A JPEG's first bytes, then text: read as an image by its head (a text file named .jpg is left out). */
const jpeg = (text: string) => new Uint8Array([0xff, 0xd8, 0xff, ...new TextEncoder().encode(text)]);
const afterHead = (b: Uint8Array) => new TextDecoder().decode(b.subarray(3));

describe('openDatasetSource', () => {
  it('class folders: classes from the paths, each item reads its own file', async () => {
    const paths = ['art/Baroque/a.jpg', 'art/Baroque/b.jpg', 'art/Symbolism/c.jpg'];
    const files = paths.map((p) => new File([jpeg(p)], p.split('/').pop()!));
    const { ds, bytes } = await openDatasetSource({ kind: 'files', files: [...files, file('d.jpg', 'notes')], paths: [...paths, 'art/Symbolism/d.jpg'] }, { fetchFn: noFetch });
    expect(ds.name).toBe('art');
    expect(ds.classes).toEqual(['Baroque', 'Symbolism']);
    expect(ds.items).toHaveLength(3); // d.jpg is text: left out, and named
    expect(ds.skipped).toEqual([{ reason: NOT_AN_IMAGE_INSIDE, count: 1, examples: ['art/Symbolism/d.jpg'] }]);
    const c = ds.items.findIndex((i) => i.source.endsWith('c.jpg'));
    expect(afterHead(new Uint8Array(await ((await bytes(c)) as Blob).arrayBuffer()))).toBe('art/Symbolism/c.jpg');
  });

  it('a zip: entries become items, the zip name the dataset name; a non-zip says so', async () => {
    const zip = zipSync({ 'x/A/1.jpg': jpeg('one'), 'x/B/2.jpg': jpeg('two'), 'x/B/3.jpg': new Uint8Array(0) });
    const { ds, bytes } = await openDatasetSource({ kind: 'files', files: [new File([zip as BlobPart], 'paintings.zip')], paths: ['paintings.zip'] }, { fetchFn: noFetch });
    expect(ds.name).toBe('paintings');
    expect(ds.classes).toEqual(['A', 'B']);
    expect(afterHead((await bytes(1)) as Uint8Array)).toBe('two');
    expect(ds.skipped).toEqual([{ reason: EMPTY_FILE, count: 1, examples: ['x/B/3.jpg'] }]);
    await expect(openDatasetSource({ kind: 'files', files: [file('notes.zip', 'just text')], paths: ['notes.zip'] }, { fetchFn: noFetch })).rejects.toThrow(/notes\.zip is not a readable zip/);
  });

  it('a zip entry that would inflate past the budget is refused from the zip directory, before inflating', async () => {
    const big = zipSync({ 'x/A/huge.jpg': new Uint8Array(MAX_ZIP_ENTRY_BYTES + 1), 'x/B/ok.jpg': new Uint8Array(4) }, { level: 1 });
    expect(big.length).toBeLessThan(1e6); // a small download that claims 64 MB+
    await expect(openDatasetSource({ kind: 'files', files: [new File([big as BlobPart], 'bomb.zip')], paths: ['bomb.zip'] }, { fetchFn: noFetch })).rejects.toThrow(/bomb\.zip: x\/A\/huge\.jpg inflates to 67 MB, more than any painting/);
  });

  it('a manifest URL: parsed, images fetched once on first read, failures become null', async () => {
    const calls: string[] = [];
    const fetchFn = (async (u: string) => {
      calls.push(String(u));
      if (String(u).endsWith('manifest.json')) return new Response(JSON.stringify({ classes: ['A', 'B'], items: [{ url: 'A/1.jpg', label: 'A' }, { url: 'B/2.jpg', label: 'B' }] }));
      if (String(u).endsWith('2.jpg')) return new Response('gone', { status: 404 });
      return new Response(new Uint8Array([1, 2, 3]));
    }) as unknown as typeof fetch;
    const { ds, bytes } = await openDatasetSource({ kind: 'manifest', url: 'http://h/set/manifest.json' }, { fetchFn });
    expect(ds.items.map((i) => i.source)).toEqual(['http://h/set/A/1.jpg', 'http://h/set/B/2.jpg']);
    expect(await bytes(0)).toEqual(new Uint8Array([1, 2, 3]));
    expect(await bytes(1)).toBeNull();
    expect(calls.filter((c) => c.endsWith('1.jpg'))).toHaveLength(1);
    await expect(openDatasetSource({ kind: 'manifest', url: 'http://h/missing.json' }, { fetchFn: (async () => new Response('', { status: 404 })) as unknown as typeof fetch })).rejects.toThrow(/missing\.json: HTTP 404/);
    // A dead host: the address and what to check, not a bare "Failed to fetch"; a static host's index page for a missing file.
    const dead = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    await expect(openDatasetSource({ kind: 'manifest', url: 'http://127.0.0.1:1/manifest.json' }, { fetchFn: dead })).rejects.toThrow('could not reach http://127.0.0.1:1/manifest.json (Failed to fetch): check the address and the connection');
    const page = (async () => new Response('<!doctype html><title>app</title>', { headers: { 'content-type': 'text/html' } })) as unknown as typeof fetch;
    await expect(openDatasetSource({ kind: 'manifest', url: 'http://h/nothing.csv.gz' }, { fetchFn: page })).rejects.toThrow('http://h/nothing.csv.gz returned a web page, not a manifest or a wikiart CSV: check the address');
  });

  it('datasetSummary: counts, split sizes, at most four samples per class', () => {
    const ds = stratifiedSplit(fromPaths(Array.from({ length: 20 }, (_, i) => `d/${i % 2 ? 'A' : 'B'}/${i}.jpg`)), 0.2, 1);
    const s = datasetSummary(ds, 'sig');
    expect(s.counts).toEqual([10, 10]);
    expect(s.train + s.val).toBe(20);
    expect(s.samples.filter((x) => x.label === 0)).toHaveLength(4);
    expect(s.signature).toBe('sig');
    // Held back for "Try it": two per class, all from the validation split.
    const split = new Map(ds.items.map((i) => [i.source, i.split]));
    expect(s.heldOut).toHaveLength(4);
    expect(s.heldOut.every((x) => split.get(x.source) === 'val')).toBe(true);
    expect(s.heldOut.filter((x) => x.label === 1)).toHaveLength(2);
  });
});

function memoryStore(): KeyValueStore & { map: Map<IDBValidKey, unknown> } {
  const map = new Map<IDBValidKey, unknown>();
  return {
    map,
    get: async <T>(k: IDBValidKey) => map.get(k) as T | undefined,
    set: async (k, v) => void map.set(k, v),
    keys: async () => [...map.keys()],
    del: async (k) => void map.delete(k),
  };
}

describe('feature cache', () => {
  const parts = { modelUrl: 'm', datasetSignature: 's', preprocess: { mode: 'caffe' }, plan: { trunkLayer: 'pool5', pool: 'flatten' as const }, config: { seed: 0 } };
  it('keys differ by model, dataset, preprocessing, layer and augmentation (count and seed)', () => {
    const k = featureKey(parts);
    expect(k.startsWith(FEATURE_PREFIX)).toBe(true);
    const variants = [
      { ...parts, modelUrl: 'n' },
      { ...parts, datasetSignature: 't' },
      { ...parts, preprocess: { mode: 'torch' } },
      { ...parts, plan: { trunkLayer: 'fc6', pool: 'flatten' as const } },
      { ...parts, config: { seed: 0, augmentViews: 2 } },
      { ...parts, config: { seed: 1, augmentViews: 2 } },
    ].map(featureKey);
    expect(new Set([k, ...variants]).size).toBe(7);
    expect(featureKey({ ...parts, config: { seed: 5 } })).toBe(k); // the seed only matters for augmented views
  });

  it('put stores the features and a summary; info reads only summaries; clear removes both', async () => {
    const store = memoryStore();
    const cache = featureCache(store);
    const trunk = { x: new Float32Array(6), dim: 3, used: [0, 1] };
    await cache.put('features:a', trunk);
    await cache.put('features:b', { ...trunk, aug: { v: 1, x: new Float32Array(3), items: [0] } });
    expect(await cache.get('features:a')).toEqual(trunk);
    expect(store.map.has(`${META_PREFIX}features:a`)).toBe(true);
    expect(await cache.info()).toEqual({ entries: 2, images: 4, bytes: 24 + 36 });
    expect(await cache.clear()).toEqual({ removed: 2 });
    expect(store.map.size).toBe(0);
    expect(await featureCache(null).info()).toEqual({ entries: 0, images: 0, bytes: 0 });
  });
});

describe('runSummary', () => {
  it('most confident mistakes first (capped), images behind each confusion cell (capped)', () => {
    const n = 60;
    const ds = fromPaths(Array.from({ length: n }, (_, i) => `d/${i % 2 ? 'A' : 'B'}/${i}.jpg`));
    const valItems = Array.from({ length: n }, (_, i) => i);
    const predicted = Int32Array.from(valItems, () => 0); // everything predicted as class 0 (A)
    const confidence = Float32Array.from(valItems, (i) => i / n);
    const r = {
      valItems,
      evaluation: { predicted, confidence, confusion: [[30, 0], [30, 0]], loss: 1, acc: 0.5 },
      train: { epochs: [], best: { epoch: 1, valAcc: 0.5 }, stopped: false, batchLosses: [], bestWeights: null },
      featureMs: 1000,
      fromCache: false,
      trunk: { used: valItems, x: new Float32Array(0), dim: 0 },
      unreadable: 2,
    } as unknown as FineTuneResult;
    const s = runSummary(r, ds);
    expect(s.mistakes).toHaveLength(MISTAKE_LIMIT);
    expect(s.mistakes.every((m) => m.truth === 1 && m.predicted === 0)).toBe(true);
    expect(s.mistakes[0]!.confidence).toBeGreaterThan(s.mistakes.at(-1)!.confidence);
    expect(s.cells['1,0']).toHaveLength(CELL_LIMIT);
    expect(s.precisionRecall[0]).toEqual({ precision: 0.5, recall: 1 });
    expect(s.imagesPerSecond).toBe(60);
    expect(s.unreadable).toBe(2);
    expect(s.unreadableNames).toEqual([]); // every item was read
    // Items the features left out are the unreadable ones: the first few are named.
    const missing = runSummary({ ...r, trunk: { ...r.trunk, used: valItems.filter((i) => i % 9 !== 3) } } as FineTuneResult, ds);
    const skipped = ds.items.filter((_, i) => i % 9 === 3).map((it) => it.source.split('/').pop());
    expect(skipped).toHaveLength(7);
    expect(missing.unreadableNames).toEqual(skipped.slice(0, 5));
  });
});
