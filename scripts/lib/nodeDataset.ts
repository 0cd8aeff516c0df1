/**
 * Datasets from disk or the network, in Node: folders, JSON manifests, wikiart.csv(.gz). Each
 * item is read by its own kind (a local path or a URL); local paths in a manifest must stay in
 * its folder and name regular files of sane size; downloads have connect and idle timeouts.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fromPaths, leaveOutNonImages, parseJsonManifest, parseWikiartCsv, type Dataset } from '../../src/ml/core/dataset';
import { classCounts, classesWithImages } from '../../src/ml/core/datasetChecks';
import { fetchAll } from '../../src/ml/runtime/download';
import type { RgbImage } from '../../src/ml/runtime/preprocess';
import { decodeImageBytes, MAX_IMAGE_BYTES } from './nodeImage';
import { UsageError } from './args';

/** A manifest or CSV larger than this is not one. */
const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;
const isUrl = (s: string) => /^https?:\/\//i.test(s);

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p); // FIFOs, sockets and devices are not images
  }
  return out;
}

/**
 * A classifier over fewer than two classes is no classifier: one usage error (exit 2), said before
 * any image is read (train and probe both read every image, then failed inside TF.js).
 */
export function requireTwoClasses(ds: Dataset, whose = 'a classifier'): void {
  const withImages = classesWithImages(classCounts(ds));
  if (withImages < 2)
    throw new UsageError(`${ds.name} has images in ${withImages === 1 ? `one class only (${ds.classes[ds.items[0]!.label]})` : 'no class'}: ${whose} needs at least two (one sub-folder of images per class)`);
}

/** The folders beside the classes (siblings of the first image's class folder) that hold no image: a class that silently vanished. */
function emptyClassFolders(root: string, ds: Dataset): string[] {
  const first = ds.items[0];
  if (!first) return [];
  const parts = first.source.split(/[\\/]/);
  const k = parts.indexOf(ds.classes[first.label]!);
  if (k < 0 || k > parts.length - 2) return [];
  const parent = join(root, ...parts.slice(0, k));
  return readdirSync(parent, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== '__MACOSX' && !ds.classes.includes(e.name))
    .map((e) => e.name)
    .sort();
}

/** A file's first 12 bytes (null when it cannot be read: training says so for that file). */
async function fileHead(path: string): Promise<Uint8Array | null> {
  try {
    const f = await open(path, 'r');
    try {
      const b = new Uint8Array(12);
      const { bytesRead } = await f.read(b, 0, 12, 0);
      return b.subarray(0, bytesRead);
    } finally {
      await f.close();
    }
  } catch {
    return null;
  }
}

function readManifestFile(path: string): Buffer {
  const st = statSync(path);
  if (!st.isFile()) throw new Error(`${path} is not a regular file`);
  if (st.size > MAX_MANIFEST_BYTES) throw new Error(`${path} is ${(st.size / 1e6).toFixed(0)} MB: too large for a manifest`);
  return readFileSync(path);
}

export async function loadDataset(data: string, opts: { baseUrl?: string; log?: (s: string) => void } = {}): Promise<Dataset> {
  if (isUrl(data)) {
    const r = await fetchAll([data], { retries: 2, onProgress: undefined });
    const body = r.bodies[0];
    if (!body) throw new Error(`${data}: ${r.failed[0]?.error ?? 'could not be downloaded'}`);
    if (/\.csv(\.gz)?$/i.test(new URL(data).pathname)) return parseWikiartCsv(body, opts);
    return parseJsonManifest(new TextDecoder().decode(body), data, basename(new URL(data).pathname));
  }
  if (!existsSync(data)) throw new UsageError(`no such dataset: ${data}`);
  if (statSync(data).isDirectory()) {
    const root = realpathSync(data);
    const ds = await leaveOutNonImages(fromPaths(walk(root).map((p) => relative(root, p)), basename(root)), (p) => fileHead(join(root, p)));
    const empty = emptyClassFolders(root, ds);
    if (empty.length) opts.log?.(`warning: class folder${empty.length > 1 ? 's' : ''} ${empty.join(', ')} ${empty.length > 1 ? 'have' : 'has'} no images and ${empty.length > 1 ? 'were' : 'was'} left out`);
    return { ...ds, items: ds.items.map((it) => ({ ...it, source: join(root, it.source) })) };
  }
  if (/\.csv(\.gz)?$/i.test(data)) {
    try {
      return parseWikiartCsv(readManifestFile(data), opts);
    } catch (e) {
      throw new Error(`${data}: ${(e as Error).message}`);
    }
  }
  const ds = parseJsonManifest(readManifestFile(data).toString('utf8'), undefined, basename(data));
  // Relative entries are relative to the manifest's folder, and must stay inside it.
  const dir = realpathSync(resolve(data, '..'));
  let outside = 0;
  const items = ds.items.filter((it) => {
    if (isUrl(it.source)) return true;
    const full = resolve(dir, it.source);
    const rel = relative(dir, full);
    const ok = !isAbsolute(it.source) && !rel.startsWith('..') && !rel.startsWith(sep);
    if (!ok) outside++;
    return ok;
  });
  if (outside) opts.log?.(`warning: ${outside} manifest item${outside > 1 ? 's point' : ' points'} outside the manifest's folder and ${outside > 1 ? 'were' : 'was'} left out`);
  return { ...ds, items: items.map((it) => ({ ...it, source: isUrl(it.source) ? it.source : resolve(dir, it.source) })) };
}

/** One local item's bytes, or null (with the reason logged) when it is not a readable image file. */
function readLocal(path: string, log?: (s: string) => void): Uint8Array | null {
  try {
    const real = realpathSync(path);
    const st = statSync(real);
    if (!st.isFile()) throw new Error('not a regular file');
    if (st.size > MAX_IMAGE_BYTES) throw new Error(`${(st.size / 1e6).toFixed(0)} MB is larger than any photo TransferLens accepts`);
    return readFileSync(real);
  } catch (e) {
    log?.(`skipped ${path}: ${(e as Error).message}`);
    return null;
  }
}

/** Bytes of every item, each by its own kind: local reads, and batched downloads with retries and timeouts (failures counted). */
export async function readItems(ds: Dataset, onProgress?: (done: number, failed: number, total: number) => void, log?: (s: string) => void): Promise<(Uint8Array | null)[]> {
  const sources = ds.items.map((it) => it.source);
  const out: (Uint8Array | null)[] = new Array(sources.length).fill(null);
  const remote = sources.map((s, i) => (isUrl(s) ? i : -1)).filter((i) => i >= 0);
  let done = 0;
  let failed = 0;
  sources.forEach((s, i) => {
    if (isUrl(s)) return;
    out[i] = readLocal(s, log);
    if (!out[i]) failed++;
    onProgress?.(++done, failed, sources.length);
  });
  if (remote.length) {
    const base = done;
    const baseFailed = failed;
    const r = await fetchAll(
      remote.map((i) => sources[i]!),
      { concurrency: 8, retries: 3, maxBytes: MAX_IMAGE_BYTES, onProgress: (d, f) => onProgress?.(base + d, baseFailed + f, sources.length) },
    );
    remote.forEach((i, k) => (out[i] = r.bodies[k]!));
    for (const f of r.failed.slice(0, 5)) log?.(`download failed: ${f.url}: ${f.error}`);
    if (r.failed.length > 5) log?.(`… and ${r.failed.length - 5} more downloads failed`);
  }
  return out;
}

/** Item i decoded like the page decodes, or null (said on the log) when it is missing or not a readable image. */
export function itemImages(ds: Dataset, bytes: (Uint8Array | null)[], log: (s: string) => void): (i: number) => Promise<RgbImage | null> {
  return async (i) => {
    const b = bytes[i];
    if (!b) return null;
    try {
      return await decodeImageBytes(b, ds.items[i]!.source);
    } catch (e) {
      log(`skipped: ${(e as Error).message}`);
      return null;
    }
  };
}
