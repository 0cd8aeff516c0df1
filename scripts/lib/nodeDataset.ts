/** Datasets from disk or the network, in Node: folders, JSON manifests, wikiart.csv(.gz). */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fromPaths, parseJsonManifest, parseWikiartCsv, type Dataset } from '../../src/ml/core/dataset';
import { fetchAll } from '../../src/ml/runtime/download';

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

export async function loadDataset(data: string, opts: { baseUrl?: string } = {}): Promise<Dataset> {
  if (/^https?:\/\//.test(data)) {
    const res = await fetch(data);
    if (!res.ok) throw new Error(`${data}: HTTP ${res.status}`);
    if (/\.csv(\.gz)?$/.test(data)) return parseWikiartCsv(new Uint8Array(await res.arrayBuffer()), opts);
    return parseJsonManifest(await res.text(), data, basename(data));
  }
  if (!existsSync(data)) throw new Error(`no such dataset: ${data}`);
  if (statSync(data).isDirectory()) {
    const root = resolve(data);
    const ds = fromPaths(walk(root).map((p) => relative(root, p)), basename(root));
    return { ...ds, items: ds.items.map((it) => ({ ...it, source: join(root, it.source) })) };
  }
  if (/\.csv(\.gz)?$/.test(data)) return parseWikiartCsv(readFileSync(data), opts);
  const ds = parseJsonManifest(readFileSync(data, 'utf8'), undefined, basename(data));
  // Relative entries are relative to the manifest's folder.
  const dir = resolve(data, '..');
  return { ...ds, items: ds.items.map((it) => ({ ...it, source: /^https?:/.test(it.source) ? it.source : resolve(dir, it.source) })) };
}

/** Bytes of every item: local reads, or batched downloads with retries (failures counted). */
export async function readItems(ds: Dataset, onProgress?: (done: number, failed: number, total: number) => void): Promise<(Uint8Array | null)[]> {
  const urls = ds.items.map((it) => it.source);
  if (urls.every((u) => !/^https?:/.test(u))) {
    return urls.map((u, i) => {
      onProgress?.(i + 1, 0, urls.length);
      try {
        return readFileSync(u);
      } catch {
        return null;
      }
    });
  }
  return (await fetchAll(urls, { concurrency: 8, retries: 3, onProgress })).bodies;
}
