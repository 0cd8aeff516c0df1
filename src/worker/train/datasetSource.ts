/**
 * Where a training dataset comes from: dropped files (class folders), a .zip, or a manifest
 * URL (JSON or the course's wikiart.csv.gz) whose images are fetched in batches. Each gives the
 * item list and a reader for one item's bytes; plus the summary the studio shows.
 */
import { unzipSync } from 'fflate';
import { fromPaths, leaveOutNonImages, parseJsonManifest, parseWikiartCsv, type Dataset } from '../../ml/core/dataset';
import { classCounts, datasetWarnings } from '../../ml/core/datasetChecks';
import { fetchAll } from '../../ml/runtime/download';
import type { DatasetSource, DatasetSummary } from './protocol';

/** Budgets for a dropped .zip, checked from its directory before inflating. */
export const MAX_ZIP_ENTRY_BYTES = 64 * 1024 * 1024;
export const MAX_ZIP_TOTAL_BYTES = 2 * 1024 * 1024 * 1024;
class ZipBudgetError extends Error {}

export type ItemBytes = (i: number) => Promise<Blob | Uint8Array | null>;

export interface OpenedDataset {
  ds: Dataset;
  bytes: ItemBytes;
}

export interface SourceOptions {
  fetchFn: typeof fetch;
  /** Download progress of a manifest's images (failed ones are counted, not fatal). */
  onDownload?: (done: number, failed: number, total: number) => void;
}

export async function openDatasetSource(src: DatasetSource, o: SourceOptions): Promise<OpenedDataset> {
  if (src.kind === 'files') {
    const zip = src.files.length === 1 && /\.zip$/i.test(src.files[0]!.name) ? src.files[0]! : null;
    if (zip) {
      let entries: Record<string, Uint8Array>;
      try {
        let total = 0;
        entries = unzipSync(new Uint8Array(await zip.arrayBuffer()), {
          // Sizes come from the zip's directory, before anything is inflated.
          filter: (f) => {
            if (f.originalSize > MAX_ZIP_ENTRY_BYTES) throw new ZipBudgetError(`${zip.name}: ${f.name} inflates to ${(f.originalSize / 1e6).toFixed(0)} MB, more than any painting (${MAX_ZIP_ENTRY_BYTES / 1e6} MB)`);
            total += f.originalSize;
            if (total > MAX_ZIP_TOTAL_BYTES) throw new ZipBudgetError(`${zip.name} inflates to more than ${MAX_ZIP_TOTAL_BYTES / 1e9} GB: split the dataset`);
            return true;
          },
        });
      } catch (e) {
        if (e instanceof ZipBudgetError) throw e;
        throw new Error(`${zip.name} is not a readable zip: ${(e as Error).message}`);
      }
      const ds = await leaveOutNonImages(fromPaths(Object.keys(entries).filter((k) => !k.endsWith('/')), zip.name.replace(/\.zip$/i, '')), async (s) => entries[s] ?? null);
      return { ds, bytes: async (i) => entries[ds.items[i]!.source] ?? null };
    }
    const byPath = new Map(src.paths.map((p, i) => [p, src.files[i]!]));
    const root = src.paths[0]?.split('/')[0] ?? 'dataset';
    const head = async (s: string) => {
      const f = byPath.get(s);
      return f ? f.slice(0, 12).arrayBuffer().then((b) => new Uint8Array(b), () => null) : null;
    };
    const ds = await leaveOutNonImages(fromPaths(src.paths, src.paths.every((p) => p.startsWith(`${root}/`)) ? root : 'dataset'), head);
    return { ds, bytes: async (i) => byPath.get(ds.items[i]!.source) ?? null };
  }
  const fetchFn = o.fetchFn; // called bare: a browser's fetch refuses another `this`
  let res: Response;
  try {
    res = await fetchFn(src.url);
  } catch (e) {
    // A dead host or a typo: the browser says only "Failed to fetch"; say which address.
    throw new Error(`could not reach ${src.url} (${(e as Error).message}): check the address and the connection`);
  }
  if (!res.ok) throw new Error(`${src.url}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  // A static host answers a missing file with its index page and a 200.
  if (/text\/html/i.test(res.headers.get('content-type') ?? '')) throw new Error(`${src.url} returned a web page, not a manifest or a wikiart CSV: check the address`);
  const body = new Uint8Array(await res.arrayBuffer());
  const path = new URL(src.url).pathname;
  const ds = /\.csv(\.gz)?$/i.test(path)
    ? parseWikiartCsv(body, { baseUrl: src.baseUrl })
    : parseJsonManifest(new TextDecoder().decode(body), src.url, path.split('/').slice(-2, -1)[0] || 'manifest');
  // Downloaded all at once, on first use (concurrency 8, retries): the training run asks item by item.
  let downloaded: Promise<(Uint8Array | null)[]> | null = null;
  return {
    ds,
    bytes: async (i) => {
      downloaded ??= fetchAll(
        ds.items.map((it) => it.source),
        { concurrency: 8, retries: 3, fetchFn, onProgress: o.onDownload },
      ).then((r) => r.bodies);
      return (await downloaded)[i] ?? null;
    },
  };
}

/** What the studio shows of a loaded dataset: classes, counts, split sizes, warnings, a few items per class. */
export function datasetSummary(ds: Dataset, signature: string): DatasetSummary {
  const perClass = new Map<number, number>();
  const samples = ds.items.filter((it) => {
    const n = perClass.get(it.label) ?? 0;
    perClass.set(it.label, n + 1);
    return n < 4;
  });
  const perClassVal = new Map<number, number>();
  const heldOut = ds.items.filter((it) => {
    if (it.split !== 'val') return false;
    const n = perClassVal.get(it.label) ?? 0;
    perClassVal.set(it.label, n + 1);
    return n < 2;
  });
  return {
    name: ds.name,
    classes: ds.classes,
    counts: classCounts(ds),
    train: ds.items.filter((i) => i.split === 'train').length,
    val: ds.items.filter((i) => i.split === 'val').length,
    warnings: datasetWarnings(ds),
    samples: samples.map((s) => ({ label: s.label, source: s.source })),
    heldOut: heldOut.map((s) => ({ label: s.label, source: s.source })),
    signature,
  };
}
