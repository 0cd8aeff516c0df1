/**
 * npm run bench [-- --quick] [--reference pytorch|none]
 *
 * Runs the workloads in Node on the WASM backend and, when python3-torch is installed, the
 * same workloads in PyTorch CPU in the same run; prints a table and writes
 * bench/results/<date>.json (medians, min/max, n, backend, machine, ratios to PyTorch).
 * Full-size AlexNet and VGG16 come from the random-weights generator (speed does not
 * depend on the weights). Browser rows are not measured yet.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Arch } from '../src/ml/archs';
import type { Quantize } from '../src/ml/artifacts';
import { fromLayersModel } from '../src/ml/backbone';
import { makeRandomModelFiles } from '../src/ml/converter';
import { computeSaliency, logitsModel } from '../src/ml/saliency';
import { planFor } from '../src/ml/surgery';
import { trunkFeatures } from '../src/ml/features';
import { parseArgs, str } from './lib/args';
import { fileSystemHandler, writeModelDir } from './lib/fsModel';
import { decodeImageFile } from './lib/nodeImage';
import { initNodeBackend } from './lib/nodeTf';

const ROOT = resolve(import.meta.dirname, '..');
const SHARED = resolve(process.env.SHARED_DIR ?? join(ROOT, '../shared'));
const args = parseArgs(process.argv.slice(2));
const quick = args.has('quick');
const reference = str(args, 'reference') ?? 'pytorch';
const N = quick ? 2 : 5;

interface Stat {
  median: number;
  min: number;
  max: number;
  n: number;
}
function stats(ts: number[]): Stat {
  const s = [...ts].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s.at(-1)!, n: s.length };
}
async function timed(f: () => Promise<unknown>, n: number, warm = 1): Promise<Stat> {
  for (let i = 0; i < warm; i++) await f();
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f();
    ts.push(performance.now() - t);
  }
  return stats(ts);
}
const heap = () => ((tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.buffer.byteLength ?? 0) / 1e6;
const rss = () => process.memoryUsage().rss / 1e6;

function model(arch: Arch, quantize: Quantize): string {
  const dir = join(ROOT, '.cache/models', `${arch}-random-${quantize}`);
  if (!existsSync(join(dir, 'model.json'))) writeModelDir(dir, makeRandomModelFiles(arch, 1, { quantize }));
  return dir;
}

const backend = await initNodeBackend();
const results: Record<string, unknown> = {};
const rows: [string, string, string, string][] = [];

// 5. Model load: bytes and time to first prediction.
for (const arch of ['alexnet', 'vgg16'] as const)
  for (const q of quick ? (['float16'] as const) : (['none', 'float16', 'uint8'] as const)) {
    const dir = model(arch, q);
    const bytes = readdirSync(dir).filter((f) => f.endsWith('.bin')).reduce((a, f) => a + (readFileSize(join(dir, f))), 0);
    const t = performance.now();
    const b = await fromLayersModel(await tf.loadLayersModel(fileSystemHandler(dir)));
    const ms = performance.now() - t;
    b.dispose();
    results[`load_${arch}_${q}`] = { bytes, ms };
    rows.push([`load ${arch} ${q}`, `${(bytes / 1e6).toFixed(0)} MB, ${(ms / 1000).toFixed(1)} s to first prediction`, '', '']);
  }

function readFileSize(p: string): number {
  return statSync(p).size;
}

// 1–2. VGG16 saliency.
{
  const net = await fromLayersModel(await tf.loadLayersModel(fileSystemHandler(model('vgg16', 'none'))));
  const lm = logitsModel(net.model);
  const x = tf.randomNormal([1, 224, 224, 3]) as tf.Tensor4D;
  const first = performance.now();
  await computeSaliency(lm.model, x, { method: 'vanilla', classIndex: 5 });
  const firstMs = performance.now() - first;
  const s = await timed(() => computeSaliency(lm.model, x, { method: 'vanilla', classIndex: 5 }), N, 0);
  results.vgg16_saliency = { ...s, firstMs, wasmHeapMB: heap(), rssMB: rss() };
  if (!quick) {
    const sg = await timed(() => computeSaliency(lm.model, x, { method: 'smoothgrad', classIndex: 5, samples: 25, batchSize: 1 }), 1, 0);
    results.vgg16_smoothgrad25 = { ...sg, wasmHeapMB: heap() };
  }
  x.dispose();
  net.dispose();
}

// 3. AlexNet trunk throughput, decode + preprocess included.
{
  const net = await fromLayersModel(await tf.loadLayersModel(fileSystemHandler(model('alexnet', 'none'))));
  const plan = planFor(net.model, net.meta, 'fc8', 2);
  const dir = join(SHARED, 'datasets/wikiart7');
  const files = readdirSync(dir).sort().flatMap((c) => readdirSync(join(dir, c)).sort().map((f) => join(dir, c, f))).slice(0, quick ? 64 : 256);
  for (const bs of [32, 64]) {
    const s = await timed(
      async () => {
        for (let i = 0; i < files.length; i += bs) {
          const batch = tf.tidy(() => tf.concat(files.slice(i, i + bs).map((f) => net.preprocess(decodeImageFile(f)))) as tf.Tensor4D);
          const f = trunkFeatures(net.model, plan, batch);
          await f.data();
          tf.dispose([batch, f]);
        }
      },
      1,
      0,
    );
    results[`alexnet_trunk_b${bs}`] = { ...s, images: files.length, images_per_s: files.length / (s.median / 1000), wasmHeapMB: heap() };
  }
  net.dispose();
}

// PyTorch, same machine, same run.
let torchRes: Record<string, Stat & { images_per_s?: number }> | null = null;
if (reference === 'pytorch') {
  try {
    const out = execFileSync('/usr/bin/python3', [join(ROOT, 'bench/torch_bench.py'), '--images', join(SHARED, 'datasets/wikiart7'), ...(quick ? ['--quick'] : []), '--n', String(N)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    torchRes = JSON.parse(out.trim().split('\n').at(-1)!);
  } catch (e) {
    console.error(`PyTorch reference skipped: ${(e as Error).message.split('\n')[0]}`);
  }
}

const r = (k: string) => results[k] as (Stat & { images_per_s?: number; firstMs?: number; wasmHeapMB?: number }) | undefined;
const t = (k: string) => torchRes?.[k] as (Stat & { images_per_s?: number }) | undefined;
const ms = (v?: number) => (v === undefined ? '—' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`);
const ratios: Record<string, number> = {};
if (r('vgg16_saliency')) {
  const ratio = t('vgg16_saliency') ? r('vgg16_saliency')!.median / t('vgg16_saliency')!.median : NaN;
  ratios.vgg16_saliency = ratio;
  rows.push(['VGG16 saliency (batch 1)', `${ms(r('vgg16_saliency')!.median)} (first ${ms(r('vgg16_saliency')!.firstMs)}), heap ${r('vgg16_saliency')!.wasmHeapMB!.toFixed(0)} MB`, ms(t('vgg16_saliency')?.median), `${ratio.toFixed(2)}× (target ≤ 1.5×)`]);
}
if (r('vgg16_smoothgrad25')) {
  const ratio = t('vgg16_smoothgrad25') ? r('vgg16_smoothgrad25')!.median / t('vgg16_smoothgrad25')!.median : NaN;
  ratios.vgg16_smoothgrad25 = ratio;
  rows.push(['VGG16 SmoothGrad 25', ms(r('vgg16_smoothgrad25')!.median), ms(t('vgg16_smoothgrad25')?.median), `${ratio.toFixed(2)}×`]);
}
for (const bs of [32, 64]) {
  const k = `alexnet_trunk_b${bs}`;
  if (!r(k)) continue;
  const ratio = t(k)?.images_per_s ? r(k)!.images_per_s! / t(k)!.images_per_s! : NaN;
  ratios[k] = ratio;
  rows.push([`AlexNet trunk, batch ${bs} (img/s)`, r(k)!.images_per_s!.toFixed(1), t(k)?.images_per_s?.toFixed(1) ?? '—', `${ratio.toFixed(2)}× (target ≥ 1.5×)`]);
}
const machine = { cores: cpus().length, model: cpus()[0]?.model ?? 'unknown', memGB: Math.round(totalmem() / 2 ** 30), node: process.version, backend: backend.name };
console.log(`\nTransferLens bench (${quick ? 'quick' : 'full'}) — ${machine.model}, ${machine.cores} cores, Node ${machine.node}, TF.js ${backend.name}${torchRes ? `, PyTorch ${(torchRes as unknown as { torch: string }).torch}` : ''}\n`);
const w = [34, 44, 14, 26];
console.log(['workload', 'TF.js (Node)', 'PyTorch CPU', 'ratio'].map((h, i) => h.padEnd(w[i]!)).join(' | '));
for (const row of rows) console.log(row.map((c, i) => c.padEnd(w[i]!)).join(' | '));
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const file = join(ROOT, 'bench/results', `${new Date().toISOString().slice(0, 10)}${quick ? '-quick' : ''}.json`);
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), quick, machine, tfjs: results, pytorch: torchRes, ratios }, null, 2));
console.log(`\nwritten to ${file}`);
