/**
 * Loading TF.js layers models from a URL with byte-accurate progress, and caching the
 * artifacts (still quantized) in IndexedDB through TF.js's own `indexeddb://` store.
 */
import * as tf from '@tensorflow/tfjs';
import { storedBytes } from './leanLoad';
import { looksBinary } from '../core/text';

export type Progress = (loaded: number, total: number) => void;

const CACHE_PREFIX = 'indexeddb://transferlens/';

/** FNV-1a, enough to tell model.json versions apart in a cache key. */
export function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export class FetchError extends Error {
  override name = 'FetchError';
}

export interface FetchedModel {
  artifacts: tf.io.ModelArtifacts;
  jsonText: string;
  bytes: number;
}

async function readBody(res: Response, onChunk: (n: number) => void): Promise<Uint8Array> {
  if (!res.body) {
    const b = new Uint8Array(await res.arrayBuffer());
    onChunk(b.length);
    return b;
  }
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    size += value.length;
    onChunk(value.length);
  }
  const out = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export async function fetchModelJson(url: string, fetchFn: typeof fetch = fetch): Promise<{ json: tf.io.ModelJSON; text: string }> {
  let res: Response;
  try {
    res = await fetchFn(url);
  } catch (e) {
    throw new FetchError(`could not reach ${url} (${(e as Error).message}): check the address, and that its server is running and lets other pages fetch from it`);
  }
  if (!res.ok) throw new FetchError(`${url}: HTTP ${res.status} ${res.statusText || ''}`.trim());
  const text = await res.text();
  if (/^\s*<(!doctype|html)/i.test(text)) throw new FetchError(`${url} returned a web page, not model.json: check the address`);
  return { json: parseModelJson(text, url.split(/[?#]/)[0]!.split('/').pop() || 'model.json'), text };
}

/** model.json's text → its JSON, or one sentence on what is wrong with it (for a URL and for picked files alike). */
export function parseModelJson(text: string, name = 'model.json'): tf.io.ModelJSON {
  // A photo's or a weight file's bytes: said as such, not as JSON's "Unexpected token '�', "����JFIF"…".
  if (looksBinary(text)) throw new FetchError(`${name} is not model.json text: it looks like a binary file (an image, or a weight file?)`);
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(text) as tf.io.ModelJSON;
  } catch (e) {
    throw new FetchError(`${name} is not valid JSON (${(e as Error).message})`);
  }
  if (!json || typeof json !== 'object' || !json.modelTopology) throw new FetchError(`${name} has no modelTopology: not a TF.js layers model`);
  if (!Array.isArray(json.weightsManifest)) throw new FetchError(`${name} has no weightsManifest`);
  return json;
}

/** The weights' bytes, checked against what model.json declares, with model.json's fields, as one set of artifacts. */
function assemble(json: tf.io.ModelJSON, shards: Uint8Array[], text: string, total: number): FetchedModel {
  const size = shards.reduce((a, s) => a + s.length, 0);
  if (size !== total)
    throw new FetchError(`the weight files hold ${size} bytes but model.json describes ${total}: a file is ${size < total ? 'cut short' : 'longer than it should be'}, or the files are not this model's`);
  const data = new Uint8Array(size);
  let off = 0;
  for (const s of shards) {
    data.set(s, off);
    off += s.length;
  }
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: data.buffer,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    userDefinedMetadata: json.userDefinedMetadata,
    trainingConfig: json.trainingConfig,
  };
  return { artifacts, jsonText: text, bytes: size };
}

/** Bytes model.json declares for its weights (an unknown dtype counts 0; decoding it fails with its own message). */
function declaredBytes(json: tf.io.ModelJSON): number {
  return json.weightsManifest.flatMap((g) => g.weights).reduce((a, s) => a + (storedBytes(s) || 0), 0);
}

/**
 * A model from picked or dropped files: model.json and its shards, matched by file name, with the
 * same checks as a URL (tf.io.browserFiles parsed the JSON inside a FileReader callback, so a
 * truncated model.json was an uncaught error that hung the worker, and model.json picked alone
 * loaded with every weight at zero and its metadata dropped).
 */
export async function readModelFiles(files: readonly File[], onProgress?: Progress): Promise<FetchedModel> {
  const jsons = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
  if (jsons.length === 0) {
    // Name what was picked: a photo or a painting chosen by mistake is recognised at once.
    const names = files.slice(0, 3).map((f) => f.name).join(', ') + (files.length > 3 ? `, … (${files.length} files)` : '');
    throw new FetchError(`${names || 'nothing'} ${files.length === 1 ? 'is' : 'are'} not a TF.js model: pick the model.json together with its weight files`);
  }
  if (jsons.length > 1) throw new FetchError(`pick one model.json at a time (got ${jsons.map((f) => f.name).join(', ')})`);
  const file = jsons[0]!;
  const text = await file.text();
  const json = parseModelJson(text, file.name);
  const byName = new Map(files.filter((f) => f !== file).map((f) => [f.name, f]));
  const total = declaredBytes(json);
  let loaded = 0;
  onProgress?.(0, total);
  const shards: Uint8Array[] = [];
  for (const p of json.weightsManifest.flatMap((g) => g.paths)) {
    const name = p.split('/').pop() ?? p;
    const shard = byName.get(name);
    if (!shard) throw new FetchError(`weight file ${name} was not picked: choose ${file.name} together with all its weight files`);
    shards.push(new Uint8Array(await shard.arrayBuffer()));
    loaded += shard.size;
    onProgress?.(loaded, total);
  }
  return assemble(json, shards, text, total);
}

/** Fetch model.json and every shard, reporting bytes as they arrive. */
export async function fetchModel(
  url: string,
  onProgress?: Progress,
  fetchFn: typeof fetch = fetch,
  prefetched?: { json: tf.io.ModelJSON; text: string },
): Promise<FetchedModel> {
  const { json, text } = prefetched ?? (await fetchModelJson(url, fetchFn));
  const base = new URL('.', new URL(url, globalThis.location?.href ?? 'http://localhost/')).href;
  const total = declaredBytes(json);
  let loaded = 0;
  onProgress?.(0, total);
  const shards: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    for (const p of group.paths) {
      const shardUrl = new URL(p, base).href;
      let res: Response;
      try {
        res = await fetchFn(shardUrl);
      } catch (e) {
        throw new FetchError(`could not download weight file ${p}: ${(e as Error).message}`);
      }
      if (!res.ok) throw new FetchError(`weight file ${p} is missing (HTTP ${res.status})`);
      // Single-page-app servers answer a missing file with index.html and a 200.
      if (/text\/html/i.test(res.headers.get('content-type') ?? '')) throw new FetchError(`weight file ${p} is missing (the server sent a web page instead)`);
      shards.push(
        await readBody(res, (n) => {
          loaded += n;
          onProgress?.(loaded, total);
        }),
      );
    }
  }
  return assemble(json, shards, text, total);
}

export function cacheUrlPrefix(url: string): string {
  return `${CACHE_PREFIX}${fnv1a(url)}-`;
}

export function cacheKey(url: string, jsonText: string): string {
  return `${cacheUrlPrefix(url)}${fnv1a(jsonText)}`;
}

export async function listCached(): Promise<{ key: string; bytes: number; date: string }[]> {
  const all = await tf.io.listModels();
  return Object.entries(all)
    .filter(([k]) => k.startsWith(CACHE_PREFIX))
    .map(([key, info]) => ({
      key,
      bytes: (info.weightDataBytes ?? 0) + (info.modelTopologyBytes ?? 0),
      date: info.dateSaved instanceof Date ? info.dateSaved.toISOString() : String(info.dateSaved),
    }));
}

export async function saveToCache(key: string, artifacts: tf.io.ModelArtifacts): Promise<void> {
  const handler = tf.io.getSaveHandlers(key)[0];
  if (!handler?.save) throw new Error('IndexedDB is not available');
  await handler.save(artifacts);
}

export async function loadArtifactsFromCache(key: string): Promise<tf.io.ModelArtifacts> {
  const handler = tf.io.getLoadHandlers(key)[0];
  if (!handler?.load) throw new Error('IndexedDB is not available');
  return handler.load();
}

export async function clearCache(): Promise<number> {
  const entries = await listCached();
  for (const e of entries) await tf.io.removeModel(e.key);
  return entries.length;
}

export interface UrlArtifacts {
  artifacts: tf.io.ModelArtifacts;
  from: 'network' | 'cache';
  bytes: number;
  warnings: string[];
  /** Where to cache what came from the network (null: from the cache, or caching off). */
  saveKey: string | null;
}

/**
 * A model by URL: from the IndexedDB cache when the same model.json was cached before,
 * else from the network. Offline (or with the server gone) the last cached copy of the
 * URL is used, with a warning; a 404 or a broken model.json is an error, not "offline".
 */
export async function loadUrlArtifacts(
  url: string,
  opts: { useCache: boolean; progress?: (loaded: number, total: number, phase?: string) => void; fetchFn?: typeof fetch },
): Promise<UrlArtifacts> {
  const progress = opts.progress ?? (() => undefined);
  const cached = () => (opts.useCache ? listCached().catch(() => []) : Promise.resolve([]));
  let pre: Awaited<ReturnType<typeof fetchModelJson>>;
  try {
    pre = await fetchModelJson(url, opts.fetchFn);
  } catch (e) {
    const hit = (await cached()).find((c) => c.key.startsWith(cacheUrlPrefix(url)));
    if (!hit || !(e instanceof FetchError) || /HTTP 404|JSON|modelTopology|weightsManifest/.test(e.message)) throw e;
    return {
      artifacts: await loadArtifactsFromCache(hit.key),
      from: 'cache',
      bytes: hit.bytes,
      warnings: [`the server could not be reached (${e.message}); using the cached copy`],
      saveKey: null,
    };
  }
  const key = cacheKey(url, pre.text);
  const hit = (await cached()).find((c) => c.key === key);
  if (hit) {
    progress(0, hit.bytes, 'cache');
    const artifacts = await loadArtifactsFromCache(key);
    progress(hit.bytes, hit.bytes, 'cache');
    return { artifacts, from: 'cache', bytes: hit.bytes, warnings: [], saveKey: null };
  }
  const fetched = await fetchModel(url, (l, t) => progress(l, t), opts.fetchFn, pre);
  return { artifacts: fetched.artifacts, from: 'network', bytes: fetched.bytes, warnings: [], saveKey: opts.useCache ? key : null };
}

/**
 * Downloads a model into the IndexedDB cache without loading it (the course's model in the
 * background); nothing is fetched beyond model.json when this version is cached already.
 */
export async function cacheModel(url: string, progress?: Progress): Promise<{ bytes: number; from: 'network' | 'cache' }> {
  const pre = await fetchModelJson(url);
  const key = cacheKey(url, pre.text);
  const hit = (await listCached()).find((c) => c.key === key);
  if (hit) return { bytes: hit.bytes, from: 'cache' };
  const fetched = await fetchModel(url, progress, undefined, pre);
  await replaceInCache(url, key, fetched.artifacts);
  return { bytes: fetched.bytes, from: 'network' };
}

/** Cache a model under `key`, dropping older copies of the same URL. */
export async function replaceInCache(url: string, key: string, artifacts: tf.io.ModelArtifacts): Promise<void> {
  for (const old of await listCached()) if (old.key.startsWith(cacheUrlPrefix(url)) && old.key !== key) await tf.io.removeModel(old.key);
  await saveToCache(key, artifacts);
}
