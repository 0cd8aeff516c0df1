/**
 * npm run wikiart -- --csv <wikiart.csv.gz> [--limit 4000] [--seed 0] [--base-url URL] [--concurrency 8] --out public/datasets/wikiart
 *
 * Downloads the course's paintings, each saved (atomically) as it arrives, so an interrupted run
 * keeps what came and the next resumes; resizes the shorter side to 256 px, and writes
 * <out>/manifest.json (marked as ours); when <out> is in public/datasets it also refreshes
 * public/datasets/index.json (the list the app shows). Failed downloads are skipped and counted;
 * none at all is an error (exit 1, with the first reason). A non-empty <out> must be an earlier run
 * of this command (its manifest says so; it resumes) or needs --force.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { evenQuota, limitPerClass, parseWikiartCsv } from '../src/ml/core/dataset';
import { fetchAll } from '../src/ml/runtime/download';
import { imageToTensor } from '../src/ml/runtime/preprocess';
import { checkFlags, missingFlags, num, parseArgs, runCli, str, urlArg, UsageError } from './lib/args';
import { writeDatasetIndex } from './lib/datasetIndex';
import { checkWritable, writeFileAtomic } from './lib/outputs';
import { uniqueTargets } from './lib/wikiartNames';
import { decodeImageBytes } from './lib/nodeImage';
import { initNodeBackend } from './lib/nodeTf';

const ROOT = resolve(import.meta.dirname, '..');
const DATASETS = join(ROOT, 'public/datasets');

/** What this command writes into its manifests: a manifest without it is the user's, not ours to replace. */
const GENERATED_BY = 'npm run wikiart';

function ownManifest(path: string): boolean {
  if (!existsSync(path)) return false;
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { generatedBy?: unknown }).generatedBy === GENERATED_BY;
  } catch {
    return false;
  }
}

const slug = (s: string) => s.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '');

/** Shorter side → 256 px (as the course's preprocessing), re-encoded as JPEG. */
async function resize256(bytes: Uint8Array): Promise<Buffer> {
  const img = await decodeImageBytes(bytes);
  const data = tf.tidy(() => {
    const t = imageToTensor(img);
    const [h, w] = t.shape;
    const s = 256 / Math.min(h, w);
    const r = s !== 1 ? tf.image.resizeBilinear(t, [Math.round(h * s), Math.round(w * s)], false, true) : t;
    return tf.concat([r, tf.fill([r.shape[0], r.shape[1], 1], 255)], -1).clipByValue(0, 255).round().toInt();
  });
  const [h, w] = data.shape as [number, number, number];
  const rgba = Uint8Array.from(data.dataSync());
  data.dispose();
  return jpeg.encode({ data: rgba, width: w, height: h }, 90).data;
}

const USAGE = 'usage: npm run wikiart -- --csv <wikiart.csv.gz> [--limit 4000] [--seed 0] [--base-url URL] [--concurrency 8] [--out public/datasets/wikiart] [--force]';

await runCli(async () => {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  if (!checkFlags(argv, args, USAGE)) return;
  const csv = str(args, 'csv');
  const out = resolve(str(args, 'out') ?? join(DATASETS, 'wikiart'));
  if (!csv) throw missingFlags(USAGE, { csv });
  if (!existsSync(csv)) throw new UsageError(`no such file: ${csv}`);
  if (!statSync(csv).isFile()) throw new UsageError(`--csv ${csv} is not a file: give the course's wikiart.csv(.gz)`);
  const limit = num(args, 'limit', { integer: true, min: 1 }, 4000);
  const seed = num(args, 'seed', { integer: true, min: 0, max: 2 ** 32 - 1 }, 0);
  const concurrency = num(args, 'concurrency', { integer: true, min: 1, max: 64 }, 8);
  const baseUrl = urlArg(args, 'base-url');
  // Resuming an earlier download is fine (its manifest says this command wrote it); anything else
  // in the folder, a manifest of the user's own included, needs --force.
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out ${out} is a file, not a folder`);
  if (existsSync(out) && readdirSync(out).length > 0 && !ownManifest(join(out, 'manifest.json')) && !args.has('force'))
    throw new UsageError(`--out ${out} is not empty and is not an earlier download of this command (its manifest.json would be replaced); add --force to write into it`);
  if (resolve(csv).startsWith(`${out}/`)) throw new UsageError('--csv is inside --out: keep the CSV elsewhere');
  // Before any download: a file on the way or /proc (it blamed the downloads, or hung).
  checkWritable(out, '--out');
  const log = (s: string) => process.stderr.write(`${s}\n`);
  await initNodeBackend();
  let ds: ReturnType<typeof parseWikiartCsv>;
  try {
    ds = parseWikiartCsv(readFileSync(csv), { baseUrl });
  } catch (e) {
    throw new Error(`${csv}: ${(e as Error).message}`);
  }
  for (const s of ds.skipped) log(`skipped ${s.count} rows: ${s.reason}`);
  // --limit is the total (it was rounded up to a multiple of the styles: --limit 3 gave 10 paintings).
  if (limit < ds.classes.length) log(`warning: --limit ${limit} is fewer than the ${ds.classes.length} styles: ${ds.classes.length - limit} styles get no painting`);
  ds = limitPerClass(ds, evenQuota(limit, ds.classes.length), seed);
  const target = uniqueTargets(ds.items.map((it) => ({ dir: join(out, slug(ds.classes[it.label]!)), path: new URL(it.source).pathname })));
  // An empty file (an earlier run cut short before atomic writes) is fetched again.
  const missing = ds.items.map((_, i) => i).filter((i) => !existsSync(target[i]!) || statSync(target[i]!).size === 0);
  log(`${ds.items.length} paintings in ${ds.classes.length} styles; ${ds.items.length - missing.length} already on disk, ${missing.length} to download`);
  let bad = 0;
  let firstBad = '';
  let saved = 0;
  // Each painting is saved as it arrives (atomically): a Ctrl-C keeps what came, and the next run resumes.
  const r = await fetchAll(
    missing.map((i) => ds.items[i]!.source),
    {
      concurrency,
      retries: 3,
      onProgress: (d, f, t) => {
        if (d % 100 === 0 || d === t) log(`downloaded ${d}/${t}${f ? ` (${f} failed)` : ''}`);
      },
      onBody: async (k, body) => {
        const path = target[missing[k]!]!;
        try {
          const jpg = await resize256(body);
          mkdirSync(dirname(path), { recursive: true });
          writeFileAtomic(path, jpg);
          saved++;
        } catch (e) {
          bad++;
          firstBad ||= `${ds.items[missing[k]!]!.source}: ${(e as Error).message}`;
        }
      },
    },
  );
  const items = ds.items
    .map((it, i) => ({ it, path: target[i]! }))
    .filter(({ path }) => existsSync(path))
    .map(({ it, path }) => ({ url: path.slice(out.length + 1), label: it.label, split: it.split }));
  if (items.length === 0) {
    const why = r.failed[0] ? `${r.failed.length} downloads failed (first: ${r.failed[0].url}: ${r.failed[0].error})` : `${bad} downloads could not be read or saved (first: ${firstBad})`;
    throw new Error(`no painting could be had: ${why}; check --base-url and the network`);
  }
  mkdirSync(out, { recursive: true });
  writeFileAtomic(join(out, 'manifest.json'), JSON.stringify({ generatedBy: GENERATED_BY, classes: ds.classes, items }));
  // The app lists every dataset folder with a manifest under public/datasets; other folders are left alone.
  const root = dirname(out);
  if (root === DATASETS) writeDatasetIndex(root);
  const result = { images: items.length, downloaded: saved, failed: r.failed.length, unreadable: bad, out };
  const first = r.failed[0] ? `; first failure: ${r.failed[0].url}: ${r.failed[0].error}` : '';
  log(`${items.length} paintings in ${out} (${result.failed} downloads failed, ${bad} unreadable${first}${firstBad ? `; first unreadable: ${firstBad}` : ''})`);
  console.log(JSON.stringify(result));
});
