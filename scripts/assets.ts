/**
 * npm run assets [-- --from <dir>] [--quantize none|float16|uint8] [--force] [--to <models folder>]
 *
 * Fills public/models (converted TF.js models + index.json). The small default model and the
 * sample photos are committed (public/embedded); this adds the course's larger models.
 * Online: downloads the official torchvision checkpoints (resumable, sha256-checked)
 * and the ImageNet class list. Offline: `--from <dir>` finds the same files in a folder
 * (the tests use ../shared). When nothing can be had it says what to do and exits 0.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import type { Arch } from '../src/ml/convert/archs';
import { QUANTIZE_MODES, quantizeOf, type Quantize } from '../src/ml/convert/artifacts';
import { convertCheckpoint } from '../src/ml/convert/checkpoint';
import { parseLabels, type PreprocessMode } from '../src/ml/core/metadata';
import { checkFlags, choice, parseArgs, runCli, str, UsageError } from './lib/args';
import { writeDatasetIndex } from './lib/datasetIndex';
import { download } from './lib/download';
import { writeModelDir } from './lib/fsModel';
import { checkWritable, writeFileAtomic } from './lib/outputs';
import { trimBlackPadding } from './lib/nodeImage';
import { initNodeBackend } from './lib/nodeTf';

const ROOT = resolve(import.meta.dirname, '..');
const USAGE = 'usage: npm run assets [-- --from <folder>] [--quantize none|float16|uint8] [--force] [--to <models folder>]';
/** Where converted models go (default public/models; tests point it elsewhere). Set from --to. */
let MODELS = resolve(ROOT, 'public/models');
const EMBEDDED = resolve(ROOT, 'public/embedded/models');
const DOWNLOADS = resolve(ROOT, '.cache/downloads');
const DATASETS = resolve(ROOT, 'public/datasets');
/** The sample paintings: this many per style, a fifth of them held back for validation and "Try it". */
const SAMPLE_PER_STYLE = 40;

interface Checkpoint {
  id: string;
  arch: Arch;
  file: string;
  url?: string;
  preprocess: PreprocessMode;
  name: string;
}

const CHECKPOINTS: Checkpoint[] = [
  { id: 'vgg16', arch: 'vgg16', file: 'vgg16-397923af.pth', url: 'https://download.pytorch.org/models/vgg16-397923af.pth', preprocess: 'torch', name: 'VGG16 (ImageNet, torchvision)' },
  { id: 'alexnet', arch: 'alexnet', file: 'alexnet-owt-7be5be79.pth', url: 'https://download.pytorch.org/models/alexnet-owt-7be5be79.pth', preprocess: 'torch', name: 'AlexNet (ImageNet, torchvision)' },
  { id: 'squeezenet1_1', arch: 'squeezenet1_1', file: 'squeezenet1_1-b8a52dc0.pth', url: 'https://download.pytorch.org/models/squeezenet1_1-b8a52dc0.pth', preprocess: 'torch', name: 'SqueezeNet 1.1 (ImageNet, torchvision)' },
  // The original Caffe release of SqueezeNet 1.1 in torchvision layout (as in the test assets).
  { id: 'squeezenet1_1-caffe', arch: 'squeezenet1_1', file: 'squeezenet1_1-caffe.pth', preprocess: 'caffe', name: 'SqueezeNet 1.1 (ImageNet, original Caffe weights)' },
];
const LABELS = { file: 'imagenet-classes.txt', url: 'https://raw.githubusercontent.com/pytorch/hub/master/imagenet_classes.txt' };

// Set from the flags when the command starts.
let from: string | undefined;
let quantize: Quantize = 'float16';
let force = false;

function findFile(dir: string, name: string, depth = 4): string | undefined {
  if (depth < 0 || !existsSync(dir)) return undefined;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isFile() && e.name === name) return p;
  }
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'datasets' && e.name !== 'node_modules') {
      const hit = findFile(join(dir, e.name), name, depth - 1);
      if (hit) return hit;
    }
  }
  return undefined;
}

async function obtain(file: string, url: string | undefined): Promise<string | undefined> {
  if (from) return findFile(resolve(from), file);
  const cached = join(DOWNLOADS, file);
  if (existsSync(cached)) return cached;
  if (!url) return undefined;
  try {
    console.log(`downloading ${url}`);
    return await download(url, cached);
  } catch (e) {
    console.log(`  could not download ${file}: ${(e as Error).message}`);
    return undefined;
  }
}

function stampOf(path: string): string {
  const s = statSync(path);
  return JSON.stringify({ file: basename(path), size: s.size, mtime: Math.round(s.mtimeMs), quantize });
}

function writeIndex(): number {
  mkdirSync(MODELS, { recursive: true });
  const models = [];
  for (const id of readdirSync(MODELS).sort()) {
    const json = join(MODELS, id, 'model.json');
    if (!existsSync(json)) continue;
    try {
      const mj = JSON.parse(readFileSync(json, 'utf8')) as {
        weightsManifest: { paths: string[]; weights: { quantization?: { dtype: string } }[] }[];
        userDefinedMetadata?: { transferlens?: { name?: string; arch?: string; source?: string } };
      };
      const bytes = mj.weightsManifest.flatMap((g) => g.paths).reduce((a, p) => a + statSync(join(MODELS, id, p)).size, 0);
      const meta = mj.userDefinedMetadata?.transferlens;
      const q = quantizeOf(mj.weightsManifest.flatMap((g) => g.weights));
      models.push({ id, name: meta?.name ?? id, arch: meta?.arch ?? 'unknown', url: `models/${id}/model.json`, bytes, quantize: q, source: meta?.source ?? 'TF.js model' });
    } catch (e) {
      console.log(`  skipping ${id}: ${(e as Error).message}`);
    }
  }
  // VGG16 first: the saliency screen's default.
  const order = ['vgg16', 'alexnet', 'squeezenet1_1', 'squeezenet1_1-caffe'];
  models.sort((a, b) => (order.indexOf(a.id) + 1 || 99) - (order.indexOf(b.id) + 1 || 99));
  writeFileAtomic(join(MODELS, 'index.json'), JSON.stringify({ generatedBy: INDEX_BY, models }, null, 2));
  return models.length;
}

const INDEX_BY = 'npm run assets';

/** Whether index.json is one this command wrote (it names itself). */
function ownIndex(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { generatedBy?: unknown }).generatedBy === INDEX_BY;
  } catch {
    return false;
  }
}

/**
 * A small painting set for the studio's one-click start: SAMPLE_PER_STYLE paintings of each style
 * found in <from>/datasets/wikiart7 (224-px), a fixed fifth held back for validation, with the
 * source named in ATTRIBUTION.md. WikiArt224's black letterbox is cut off (trimBlackPadding): its
 * edges lit up Try it's maps and framed every thumbnail. Replaced atomically; skipped when absent.
 */
async function samplePaintings(from: string): Promise<void> {
  const src = join(from, 'datasets/wikiart7');
  if (!existsSync(src)) return;
  const styles = readdirSync(src).filter((d) => statSync(join(src, d)).isDirectory()).sort();
  const out = join(DATASETS, 'sample-paintings');
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const items: { url: string; label: string; split: 'train' | 'val' }[] = [];
  let cut = 0;
  for (const style of styles) {
    mkdirSync(join(tmp, style), { recursive: true });
    const files = readdirSync(join(src, style)).filter((f) => /\.jpe?g$/i.test(f)).sort().slice(0, SAMPLE_PER_STYLE);
    for (const [i, f] of files.entries()) {
      const trimmed = await trimBlackPadding(readFileSync(join(src, style, f))).catch(() => null);
      if (trimmed) {
        writeFileSync(join(tmp, style, f), trimmed.jpeg);
        cut++;
      } else cpSync(join(src, style, f), join(tmp, style, f));
      items.push({ url: `${style}/${f}`, label: style, split: i % 5 === 4 ? 'val' : 'train' });
    }
  }
  const name = `Sample paintings (${styles.length} styles)`;
  writeFileSync(join(tmp, 'manifest.json'), JSON.stringify({ name, sample: true, classes: styles, items }));
  writeFileSync(
    join(tmp, 'ATTRIBUTION.md'),
    `# Sample paintings\n\n${items.length} paintings from WikiArt (wikiart.org; for research and teaching use), by way of the\nWikiArt224 set (224 px), ${SAMPLE_PER_STYLE} per style: ${styles.join(', ')}; its black padding cut off\n(${cut} of ${items.length}). Copied by \`npm run assets\` from ${src}; not part of the repository.\n`,
  );
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  writeDatasetIndex(DATASETS);
  console.log(`✓ sample paintings: ${items.length} in ${styles.length} styles (${cut} with their black padding cut off) → public/datasets/sample-paintings`);
}

await runCli(async () => {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  if (!checkFlags(argv, args, USAGE)) return;
  from = str(args, 'from');
  quantize = choice(args, 'quantize', QUANTIZE_MODES, 'float16');
  force = args.has('force');
  const to = str(args, 'to');
  if (to !== undefined) MODELS = resolve(to);
  if (from !== undefined && (!existsSync(from) || !statSync(from).isDirectory())) throw new UsageError(`--from ${from} is not a folder: give the folder that holds the checkpoints`);
  if (existsSync(MODELS) && !statSync(MODELS).isDirectory()) throw new UsageError(`--to ${to ?? MODELS} exists and is not a folder`);
  if (from !== undefined) {
    const [a, b] = [realpathSync(from), existsSync(MODELS) ? realpathSync(MODELS) : resolve(MODELS)];
    const within = (x: string, y: string) => {
      const rel = relative(y, x);
      return x === y || (!rel.startsWith('..') && !isAbsolute(rel));
    };
    if (within(b, a)) throw new UsageError(`--to ${to ?? MODELS} is inside --from ${from}: refusing to write into an input`);
    // The other way round, a model's conversion would replace the folder its checkpoint is read from.
    if (within(a, b)) throw new UsageError(`--from ${from} is inside --to ${to ?? MODELS}: a conversion there would replace its own input; give a --from outside it`);
  }
  checkWritable(MODELS, '--to');
  // index.json is ours to rewrite: one the user wrote is left alone unless --force.
  const indexPath = join(MODELS, 'index.json');
  if (!force && existsSync(indexPath) && !ownIndex(indexPath)) throw new UsageError(`--to ${to ?? MODELS} holds an index.json not written by npm run assets: add --force to replace it`);
  await initNodeBackend();
  mkdirSync(MODELS, { recursive: true });
  const labelsPath = await obtain(LABELS.file, LABELS.url);
  const labels = labelsPath ? parseLabels(readFileSync(labelsPath, 'utf8')) : undefined;
  if (!labels) console.log('  no ImageNet class list found: classes will be shown as numbers');
  let converted = 0;
  let found = 0;
  let failed = 0;
  for (const c of CHECKPOINTS) {
    if (!from && !c.url) continue;
    const path = await obtain(c.file, c.url);
    if (!path) continue;
    found++;
    if (existsSync(join(EMBEDDED, c.id, 'model.json'))) {
      console.log(`✓ ${c.id}: embedded in the app already (public/embedded)`);
      continue;
    }
    const out = join(MODELS, c.id);
    const stampPath = join(out, 'SOURCE.json');
    if (!force && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stampOf(path)) {
      console.log(`✓ ${c.id}: up to date`);
      continue;
    }
    // A folder of that name that is no model (no model.json, no SOURCE.json of ours) is the user's.
    if (!force && existsSync(out) && !existsSync(stampPath) && !existsSync(join(out, 'model.json')) && readdirSync(out).length > 0) {
      failed++;
      console.log(`✗ ${c.id}: ${out} holds files not made by npm run assets: left alone (--force replaces it)`);
      continue;
    }
    const t0 = performance.now();
    // The installed model is replaced only once its new conversion is complete on disk.
    const tmp = `${out}.tmp-${process.pid}`;
    try {
      const files = convertCheckpoint(readFileSync(path), { arch: c.arch, preprocess: c.preprocess, labels, quantize, name: c.name, source: `torchvision checkpoint ${c.file}` });
      const { bytes } = writeModelDir(tmp, files);
      writeFileSync(join(tmp, 'SOURCE.json'), stampOf(path));
      rmSync(out, { recursive: true, force: true });
      renameSync(tmp, out);
      converted++;
      console.log(`✓ ${c.id}: ${(bytes / 1e6).toFixed(1)} MB (${quantize}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      failed++;
      console.log(`✗ ${c.id}: ${(e as Error).message}${existsSync(join(out, 'model.json')) ? ' (the installed model is kept)' : ''}`);
    }
  }
  if (from) {
    // Ready TF.js layers models (model.json + shards) are copied as they are.
    const modelsDir = join(resolve(from), 'models');
    if (existsSync(modelsDir))
      for (const d of readdirSync(modelsDir)) {
        if (existsSync(join(modelsDir, d, 'model.json')) && !existsSync(join(MODELS, d, 'model.json'))) {
          cpSync(join(modelsDir, d), join(MODELS, d), { recursive: true });
          console.log(`✓ ${d}: copied TF.js model`);
          found++;
        }
      }
  }
  const n = writeIndex();
  console.log(`models: ${n} in ${to === undefined ? 'public/models' : MODELS} (${converted} converted now; index.json written)`);
  // The sample paintings are the app's, like its models: with --to (models elsewhere) they are left alone.
  if (from && to === undefined) await samplePaintings(resolve(from));
  if (found === 0) {
    console.log(
      [
        '',
        'No model checkpoints could be had. To add models:',
        '  • online:  npm run assets           (downloads torchvision AlexNet, VGG16 and SqueezeNet from the PyTorch model store)',
        '  • offline: npm run assets -- --from <folder>   (a folder holding alexnet-owt-7be5be79.pth, vgg16-397923af.pth, …)',
        '  • or convert one yourself: npm run convert -- --arch vgg16 --weights <file.pth> --out public/models/vgg16',
        '  • or, in the app, use "Open model…" to load any TF.js layers model from your disk.',
      ].join('\n'),
    );
  }
  if (failed > 0) process.exitCode = 1;
});
