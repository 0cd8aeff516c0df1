/**
 * npm run assets [-- --from <dir>] [--quantize none|float16|uint8] [--force]
 *
 * Fills public/models (converted TF.js models + index.json) and public/sample-images.
 * Online: downloads the official torchvision checkpoints (resumable, sha256-checked)
 * and the ImageNet class list. Offline: `--from <dir>` finds the same files in a folder
 * (the tests use ../shared). When nothing can be had it says what to do and exits 0.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import type { Arch } from '../src/ml/convert/archs';
import { QUANTIZE_MODES, type Quantize } from '../src/ml/convert/artifacts';
import { convertCheckpoint } from '../src/ml/convert/checkpoint';
import { parseLabels, type PreprocessMode } from '../src/ml/core/metadata';
import { fail, parseArgs, str } from './lib/args';
import { download } from './lib/download';
import { writeModelDir } from './lib/fsModel';
import { initNodeBackend } from './lib/nodeTf';

const ROOT = resolve(import.meta.dirname, '..');
const MODELS = resolve(ROOT, 'public/models');
const SAMPLES = resolve(ROOT, 'public/sample-images');
const DOWNLOADS = resolve(ROOT, '.cache/downloads');

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
const SAMPLE_PHOTOS = [
  { file: 'cat.jpg', url: 'https://raw.githubusercontent.com/tensorflow/tfjs-examples/master/mobilenet/cat.jpg', credit: 'tensorflow/tfjs-examples, Apache-2.0' },
  { file: 'doberman.png', url: 'https://raw.githubusercontent.com/PAIR-code/saliency/master/doberman.png', credit: 'PAIR-code/saliency, Apache-2.0' },
];
const IMAGE_EXT = /\.(jpe?g|png|webp|gif)$/i;

const args = parseArgs(process.argv.slice(2));
const from = str(args, 'from');
const quantize = (str(args, 'quantize') ?? 'float16') as Quantize;
if (!QUANTIZE_MODES.includes(quantize)) fail(`unknown --quantize "${quantize}"; valid: ${QUANTIZE_MODES.join(', ')}`);
const force = args.has('force');

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
      const q = mj.weightsManifest[0]?.weights[0]?.quantization?.dtype ?? 'none';
      models.push({ id, name: meta?.name ?? id, arch: meta?.arch ?? 'unknown', url: `models/${id}/model.json`, bytes, quantize: q, source: meta?.source ?? 'TF.js model' });
    } catch (e) {
      console.log(`  skipping ${id}: ${(e as Error).message}`);
    }
  }
  // VGG16 first: the saliency screen's default.
  const order = ['vgg16', 'alexnet', 'squeezenet1_1', 'squeezenet1_1-caffe'];
  models.sort((a, b) => (order.indexOf(a.id) + 1 || 99) - (order.indexOf(b.id) + 1 || 99));
  writeFileSync(join(MODELS, 'index.json'), JSON.stringify({ generatedBy: 'npm run assets', models }, null, 2));
  return models.length;
}

async function samples(): Promise<number> {
  mkdirSync(SAMPLES, { recursive: true });
  const lines = ['# Sample images', '', 'Copied or downloaded by `npm run assets`. Sources and licences:', ''];
  let n = 0;
  if (from) {
    const dir = [join(resolve(from), 'images'), resolve(from)].find((d) => existsSync(d) && readdirSync(d).some((f) => IMAGE_EXT.test(f)));
    if (dir) {
      const readme = existsSync(join(resolve(from), 'README.md')) ? readFileSync(join(resolve(from), 'README.md'), 'utf8') : '';
      for (const f of readdirSync(dir).filter((f) => IMAGE_EXT.test(f)).sort()) {
        copyFileSync(join(dir, f), join(SAMPLES, f));
        const row = readme.split('\n').find((l) => l.startsWith('|') && l.includes(f));
        lines.push(row ? `- ${f}: ${row.split('|').slice(2).map((c) => c.trim()).filter(Boolean).join(' · ')}` : `- ${f}: from ${relative(ROOT, dir)}`);
        n++;
      }
    }
  } else {
    for (const s of SAMPLE_PHOTOS) {
      try {
        await download(s.url, join(SAMPLES, s.file));
        lines.push(`- ${s.file}: ${s.credit} (${s.url})`);
        n++;
      } catch (e) {
        console.log(`  could not download sample ${s.file}: ${(e as Error).message}`);
      }
    }
  }
  writeFileSync(join(SAMPLES, 'ATTRIBUTION.md'), `${lines.join('\n')}\n`);
  const files = readdirSync(SAMPLES).filter((f) => IMAGE_EXT.test(f)).sort();
  writeFileSync(join(SAMPLES, 'index.json'), JSON.stringify({ images: files }, null, 2));
  return n;
}

await initNodeBackend();
mkdirSync(MODELS, { recursive: true });
const labelsPath = await obtain(LABELS.file, LABELS.url);
const labels = labelsPath ? parseLabels(readFileSync(labelsPath, 'utf8')) : undefined;
if (!labels) console.log('  no ImageNet class list found: classes will be shown as numbers');
let converted = 0;
let found = 0;
for (const c of CHECKPOINTS) {
  if (!from && !c.url) continue;
  const path = await obtain(c.file, c.url);
  if (!path) continue;
  found++;
  const out = join(MODELS, c.id);
  const stampPath = join(out, 'SOURCE.json');
  if (!force && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stampOf(path)) {
    console.log(`✓ ${c.id}: up to date`);
    continue;
  }
  const t0 = performance.now();
  try {
    rmSync(out, { recursive: true, force: true });
    const files = convertCheckpoint(readFileSync(path), { arch: c.arch, preprocess: c.preprocess, labels, quantize, name: c.name, source: `torchvision checkpoint ${c.file}` });
    const { bytes } = writeModelDir(out, files);
    writeFileSync(stampPath, stampOf(path));
    converted++;
    console.log(`✓ ${c.id}: ${(bytes / 1e6).toFixed(1)} MB (${quantize}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    console.log(`✗ ${c.id}: ${(e as Error).message}`);
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
const s = await samples();
console.log(`models: ${n} in public/models (${converted} converted now; index.json written); sample images: ${s}`);
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
