/**
 * Datasets for fine-tuning: classes + labelled items from a folder of class folders, a
 * JSON manifest, or the course's wikiart.csv(.gz). Pure data: no image decoding here.
 */
import { gunzipSync } from 'fflate';
import Papa from 'papaparse';
import { looksLikeImage } from './imageHeader';
import { mulberry32 } from './random';
import { looksBinary } from './text';

export type Split = 'train' | 'val';

export interface DatasetItem {
  /** A URL, a path, or a key into a file map, depending on where the dataset came from. */
  source: string;
  label: number;
  split?: Split;
}

export interface Dataset {
  name: string;
  classes: string[];
  items: DatasetItem[];
  /** Entries left out, with why (non-images, unknown labels…) and the first few by name, so a student can find them. */
  skipped: { reason: string; count: number; examples?: string[] }[];
}

/** The course's ten styles, in the order of wikiart.csv's `label` column. */
export const WIKIART_CLASSES = [
  'Art Nouveau (Modern)',
  'Baroque',
  'Expressionism',
  'Impressionism',
  'Neoclassicism',
  'Post-Impressionism',
  'Realism',
  'Romanticism',
  'Surrealism',
  'Symbolism',
];

export const IMAGE_FILE = /\.(jpe?g|png|gif|webp|bmp)$/i;

export class DatasetError extends Error {
  override name = 'DatasetError';
}

/** Left-out entries counted by reason, the first three of each named. */
function skips() {
  const m = new Map<string, { count: number; examples: string[] }>();
  return {
    add(reason: string, example?: string): void {
      const e = m.get(reason) ?? { count: 0, examples: [] };
      e.count++;
      if (example !== undefined && e.examples.length < 3) e.examples.push(example);
      m.set(reason, e);
    },
    list: (): Dataset['skipped'] => [...m].map(([reason, { count, examples }]) => ({ reason, count, ...(examples.length ? { examples } : {}) })),
  };
}

/**
 * Relative paths like `Baroque/1_0.jpg` or `wikiart7/Baroque/1_0.jpg` (as a dropped folder
 * or a zip lists them): the classes are the first folder level where the paths part. A folder
 * wrapping them all (a picked folder's own name, a zip's root) is not a class, and images in a
 * class folder's sub-folders belong to that class (`Baroque/Rembrandt/1.jpg` is Baroque). Several
 * dropped folders simply contribute their class folders.
 */
export function fromPaths(paths: string[], name = 'dataset'): Dataset {
  const skipped = skips();
  const images: { raw: string; parts: string[] }[] = [];
  for (const raw of paths) {
    const parts = raw.replace(/\\/g, '/').replace(/^\/+/, '').split('/').filter(Boolean);
    const file = parts.at(-1) ?? '';
    if (file.startsWith('.') || parts.some((x) => x === '__MACOSX')) continue; // OS metadata, not data
    if (!IMAGE_FILE.test(file)) skipped.add('not an image', raw);
    else if (parts.length < 2) skipped.add('image not inside a class folder', raw);
    else images.push({ raw, parts });
  }
  // Folders every image sits in (each keeping a class folder and a file below it) wrap the classes.
  let depth = 0;
  while (images.length && images.every((im) => im.parts.length >= depth + 3 && im.parts[depth] === images[0]!.parts[depth])) depth++;
  // One folder holding class folders and some loose images besides: it wraps the classes, and its
  // loose images are in no class (not one class of everything).
  const below = new Set(images.filter((im) => im.parts.length >= depth + 3).map((im) => im.parts[depth + 1]));
  if (below.size >= 2 && images.every((im) => im.parts[depth] === images[0]!.parts[depth])) {
    for (const im of images) if (im.parts.length < depth + 3) skipped.add('image not inside a class folder', im.raw);
    images.splice(0, images.length, ...images.filter((im) => im.parts.length >= depth + 3));
    depth++;
  }
  const byClass = new Map<string, string[]>();
  for (const { raw, parts } of images) {
    const cls = parts[depth]!;
    if (!byClass.has(cls)) byClass.set(cls, []);
    byClass.get(cls)!.push(raw);
  }
  const classes = [...byClass.keys()].sort((a, b) => a.localeCompare(b));
  const items = classes.flatMap((c, label) => byClass.get(c)!.sort().map((source) => ({ source, label })));
  return { name, classes, items, skipped: skipped.list() };
}

/** The reason a file whose bytes are no image is left out under (its name said image). */
export const NOT_AN_IMAGE_INSIDE = 'not an image inside (named like one; its bytes are not JPEG, PNG, GIF, WebP or BMP)';
export const EMPTY_FILE = 'empty file (0 bytes)';

/**
 * Items whose first bytes are no image format (a text file named .jpg, a web page saved as one)
 * are left out and counted before the split, which counted them until training read them. `head`
 * gives an item's first 12 bytes or more (null: unreadable, left in for training to say). Damage
 * further into a file is found when it is decoded.
 */
export async function leaveOutNonImages(ds: Dataset, head: (source: string) => Promise<Uint8Array | null>, concurrency = 32): Promise<Dataset> {
  const bad = new Set<number>();
  const skipped = skips();
  for (let i = 0; i < ds.items.length; i += concurrency) {
    const heads = await Promise.all(ds.items.slice(i, i + concurrency).map((it) => head(it.source)));
    heads.forEach((h, k) => {
      if (!h || looksLikeImage(h)) return;
      bad.add(i + k);
      skipped.add(h.length === 0 ? EMPTY_FILE : NOT_AN_IMAGE_INSIDE, ds.items[i + k]!.source);
    });
  }
  if (bad.size === 0) return ds;
  return { ...ds, items: ds.items.filter((_, i) => !bad.has(i)), skipped: [...ds.skipped, ...skipped.list()] };
}

/** `{ "classes": [...], "items": [{ "url", "label", "split"? }] }`, URLs relative to the manifest. */
export function parseJsonManifest(text: string, manifestUrl?: string, name = 'manifest'): Dataset {
  if (looksBinary(text)) throw new DatasetError('the manifest is not JSON text: it looks like a binary file (an image or an archive?)');
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new DatasetError(`the manifest is not valid JSON: ${(e as Error).message}`);
  }
  if (j === null || typeof j !== 'object' || Array.isArray(j)) throw new DatasetError('the manifest must be a JSON object with "classes" and "items"');
  const m = j as { classes?: unknown; items?: unknown };
  if (!Array.isArray(m.classes) || !m.classes.every((c) => typeof c === 'string')) throw new DatasetError('the manifest needs "classes": an array of names');
  if (!Array.isArray(m.items)) throw new DatasetError('the manifest needs "items": [{ "url", "label", "split"? }]');
  const classes = m.classes as string[];
  const twice = classes.find((c, i) => classes.indexOf(c) !== i);
  if (twice !== undefined) throw new DatasetError(`the manifest lists class "${twice}" twice: each class once, please`);
  const skipped = skips();
  const items: DatasetItem[] = [];
  for (const it of m.items as ({ url?: unknown; label?: unknown; split?: unknown } | null)[]) {
    // A label is a class name or its index; anything else (null, true, an object) is a bad entry.
    const label = !it || typeof it !== 'object' ? NaN : typeof it.label === 'string' ? classes.indexOf(it.label) : typeof it.label === 'number' ? it.label : NaN;
    if (!it || typeof it.url !== 'string' || !Number.isInteger(label) || label < 0 || label >= classes.length) {
      skipped.add('bad manifest entry');
      continue;
    }
    const source = manifestUrl ? new URL(it.url, manifestUrl).href : it.url;
    const split = it.split === 'val' || it.split === 'test' ? 'val' : it.split === 'train' ? 'train' : undefined;
    items.push({ source, label, split });
  }
  return { name, classes, items, skipped: skipped.list() };
}

/** Replace scheme and host of an image URL by `base`, keeping the path (a mirror or a local server). */
export function rebase(url: string, base: string | undefined): string {
  if (!base) return new URL(url).href; // throws for a relative URL: the caller counts the row as unusable
  const b = base.endsWith('/') ? base : `${base}/`;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) return new URL(url.replace(/^\//, ''), b).href;
  const u = new URL(url);
  return new URL(u.pathname.replace(/^\//, '') + u.search, b).href;
}

/** The course's wikiart.csv (or .gz bytes): image_id, page_url, image_url, label, _split. */
export function parseWikiartCsv(data: string | Uint8Array, opts: { baseUrl?: string } = {}): Dataset {
  let text: string;
  if (typeof data === 'string') text = data;
  else if (data[0] === 0x1f && data[1] === 0x8b) {
    try {
      text = new TextDecoder().decode(gunzipSync(data));
    } catch (e) {
      throw new DatasetError(`the .gz file is damaged or cut short (${(e as Error).message})`);
    }
  }
  else text = new TextDecoder().decode(data);
  if (looksBinary(text)) throw new DatasetError('the CSV is not text: it looks like a binary file (an image or an archive?)');
  const parsed = Papa.parse<Record<string, string>>(text.trim(), { header: true, skipEmptyLines: true });
  const need = ['image_url', 'label'];
  const fields = parsed.meta.fields ?? [];
  for (const f of need) if (!fields.includes(f)) throw new DatasetError(`the CSV has no "${f}" column (columns: ${fields.join(', ')})`);
  const skipped = skips();
  const items: DatasetItem[] = [];
  for (const row of parsed.data) {
    const label = Number(row.label);
    if (!row.image_url || !Number.isInteger(label) || label < 0 || label >= WIKIART_CLASSES.length) {
      skipped.add('bad CSV row');
      continue;
    }
    const split = row._split === 'test' || row._split === 'val' ? 'val' : row._split === 'train' ? 'train' : undefined;
    let source: string;
    try {
      source = rebase(row.image_url, opts.baseUrl);
    } catch {
      skipped.add('relative image URL (give a base URL)');
      continue;
    }
    items.push({ source, label, split });
  }
  const left = skipped.list();
  if (items.length === 0) throw new DatasetError(`the CSV has no usable rows${left.length ? ` (${left.map((x) => `${x.count} × ${x.reason}`).join(', ')})` : ''}`);
  return { name: 'wikiart', classes: [...WIKIART_CLASSES], items, skipped: left };
}

/**
 * Seeded, stratified train/validation split (each class split in the same proportion).
 * Items that already carry a split (the manifest's) keep it unless `override`.
 */
export function stratifiedSplit(ds: Dataset, valFraction = 0.2, seed = 0, override = false): Dataset {
  if (!override && ds.items.length > 0 && ds.items.every((i) => i.split)) return ds;
  const rand = mulberry32(seed);
  const items = ds.items.map((i) => ({ ...i }));
  for (let c = 0; c < ds.classes.length; c++) {
    const idx = items.map((it, i) => (it.label === c ? i : -1)).filter((i) => i >= 0);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    const nVal = idx.length > 1 ? Math.max(1, Math.round(idx.length * valFraction)) : 0;
    idx.forEach((k, n) => (items[k]!.split = n < nVal ? 'val' : 'train'));
  }
  return { ...ds, items };
}

/** Take at most `perClass` items of each class (seeded), e.g. the course's 4,000 of 10,000. */
/** A total split as evenly as it goes over `classes` classes: the first `total mod classes` get one more. */
export function evenQuota(total: number, classes: number): (label: number) => number {
  const base = Math.floor(total / classes);
  const extra = total % classes;
  return (label) => base + (label < extra ? 1 : 0);
}

export function limitPerClass(ds: Dataset, perClass: number | ((label: number) => number), seed = 0): Dataset {
  const quota = typeof perClass === 'number' ? () => perClass : perClass;
  const rand = mulberry32(seed);
  const shuffled = ds.items.map((it) => ({ it, k: rand() }));
  shuffled.sort((a, b) => a.k - b.k);
  const seen = new Map<number, number>();
  const items = shuffled
    .filter(({ it }) => {
      const n = seen.get(it.label) ?? 0;
      seen.set(it.label, n + 1);
      return n < quota(it.label);
    })
    .map(({ it }) => it);
  return { ...ds, items };
}

/**
 * The rows of `used` (the items that could be read, in order) in the training and the validation
 * split. An empty split is an error that says why: nothing could be read (dead downloads, files that
 * are not images), or one split's images all failed.
 */
export function splitRows(ds: Dataset, used: number[]): { tr: number[]; va: number[] } {
  const tr: number[] = [];
  const va: number[] = [];
  used.forEach((item, k) => (ds.items[item]!.split === 'val' ? va : tr).push(k));
  if (tr.length && va.length) return { tr, va };
  const n = ds.items.length;
  if (n === 0) throw new Error('the dataset has no images');
  if (used.length === 0) throw new Error(`none of the ${n} images could be read (failed downloads, or files that are not images): nothing to train on`);
  const unread = n - used.length;
  throw new Error(`the ${tr.length === 0 ? 'training' : 'validation'} split has no image that could be read${unread ? ` (${unread} of ${n} could not be read)` : ''}: add images or change the validation share`);
}
