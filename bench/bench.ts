/**
 * npm run bench [-- --quick] [--reference pytorch|none] [--backends wasm,webgl,webgpu] [--no-browser] [--workloads load,saliency,trunk,course,quant]
 * npm run bench -- --gpu [--allow-software] [--gpu-limits minimum] [--quick] [--adapter-only]   (WebGPU rows alone; see bench/browser.ts)
 *
 * Each workload runs in its own Node process (WASM backend), so its peak memory is its own
 * (the WASM heap never shrinks); the same workloads run in PyTorch CPU (Debian
 * python3-torch) in the same run; browser rows run in headless Chromium (bench/browser.ts)
 * for every backend that initialises there. Prints a table and writes
 * bench/results/<date>.json (a quick run: .cache/bench/<date>-quick.json, ignored by git). Full-size AlexNet and VGG16 are random-weights models
 * (speed does not depend on the weights).
 *
 * The hardware comes first: CPU model and SIMD flags, the WASM SIMD128 peak on 1 and N threads
 * (bench/peak.ts) and the native peak (PyTorch sgemm); each workload's attained GFLOP/s is
 * reported as a share of the WASM peak for the threads it used, beside its ratio to PyTorch.
 *
 * With --quick (CI), the run is small and the process exits 1 when a figure is worse than
 * twice its target (a share of peak below half its target: a collapse, not noise): see GUARDS.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Arch } from '../src/ml/convert/archs';
import { uint8Plan, type Quantize, type WeightSpec } from '../src/ml/convert/artifacts';
import { type Backbone } from '../src/ml/runtime/backbone';
import { makeRandomModelFiles } from '../src/ml/convert/checkpoint';
import { fromPaths, stratifiedSplit, type Dataset } from '../src/ml/core/dataset';
import { trunkFeatures } from '../src/ml/training/features';
import { fineTune, type FrozenCache, type TrunkCache } from '../src/ml/training/pipeline';
import { computeSaliency } from '../src/ml/saliency/saliency';
import { logitsModel } from '../src/ml/saliency/logitsModel';
import { planFor } from '../src/ml/core/surgery';
import { type Strategy } from '../src/ml/core/vocab';
import { COURSE_RECIPE } from '../src/ml/core/vocab';
import { parseArgs, str } from '../scripts/lib/args';
import { loadModelDir, writeModelDir } from '../scripts/lib/fsModel';
import { decodeImageFile } from '../scripts/lib/nodeImage';
import { initNodeBackend } from '../scripts/lib/nodeTf';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { analyzeTopology } from '../src/ml/core/architecture';
import topologies from '../src/ml/core/topologies.json';
import { cpuInfo, wasmSimdPeak } from './peak';

const ROOT = resolve(import.meta.dirname, '..');
const SHARED = resolve(process.env.SHARED_DIR ?? join(ROOT, '../shared'));
const args = parseArgs(process.argv.slice(2));
const quick = args.has('quick');
const reference = str(args, 'reference') ?? 'pytorch';
const only = str(args, 'only');
const N = quick ? 2 : 5;
const WIKIART = join(SHARED, 'datasets/wikiart7');

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

/** A uint8 model made before uint8 files mixed formats (uint8Plan) stores other formats than it would now. */
function madeBefore(dir: string, quantize: Quantize): boolean {
  if (quantize !== 'uint8') return false;
  const specs = (JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weightsManifest: { weights: WeightSpec[] }[] }).weightsManifest.flatMap((g) => g.weights);
  const plan = uint8Plan(specs.map((s) => s.shape.reduce((a, b) => a * b, 1)));
  return specs.some((s, i) => (s.quantization?.dtype ?? 'none') !== plan[i]);
}

function model(arch: Arch, quantize: Quantize): string {
  const dir = join(ROOT, '.cache/models', `${arch}-random-${quantize}`);
  if (existsSync(join(dir, 'model.json')) && !madeBefore(dir, quantize)) return dir;
  rmSync(dir, { recursive: true, force: true });
  writeModelDir(dir, makeRandomModelFiles(arch, 1, { quantize }));
  return dir;
}
const load = (arch: Arch, q: Quantize = 'none') => loadModelDir(model(arch, q));

function wikiartFiles(limit: number): string[] {
  const dirs = readdirSync(WIKIART).sort();
  const per = dirs.map((c) => readdirSync(join(WIKIART, c)).sort().map((f) => join(WIKIART, c, f)));
  // Interleave the classes, so a prefix has every style.
  const out: string[] = [];
  for (let i = 0; out.length < limit && per.some((l) => i < l.length); i++) for (const l of per) if (i < l.length && out.length < limit) out.push(l[i]!);
  return out;
}

/** One `npm run saliency` (VGG16, random weights, one painting) as a user runs it: its peak RSS and time. */
function saliencyCliPeak(): { rssPeakMB: number; ms: number } | { error: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-saliency-'));
  try {
    const t = performance.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', join(ROOT, 'bench/peakRss.mjs'), join(ROOT, 'scripts/saliency.ts'), '--model', model('vgg16', 'none'), '--image', wikiartFiles(1)[0]!, '--out', join(dir, 'map.png')], { encoding: 'utf8', cwd: ROOT });
    const kb = Number(/PEAK_RSS_KB (\d+)/.exec(r.stderr)?.[1]);
    if (r.status !== 0 || !Number.isFinite(kb)) return { error: r.stderr.slice(-500) };
    return { rssPeakMB: (kb * 1024) / 1e6, ms: performance.now() - t };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Peak figures of this process (each workload has its own). */
function memory(tfPeakBytes: number) {
  const status = readFileSync('/proc/self/status', 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  const heap = (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.buffer.byteLength ?? 0;
  return { tfPeakMB: tfPeakBytes / 1e6, wasmHeapMB: heap / 1e6, rssPeakMB: hwm / 1e6 };
}

async function peak(f: () => Promise<unknown>): Promise<number> {
  const info = await tf.profile(f as () => Promise<tf.Tensor>);
  return info.peakBytes;
}

/** The WASM backend's thread count (1 where the build or the host gives no threads). */
function wasmThreads(): number {
  try {
    return tf.getBackend() === 'wasm' ? getThreadsCount() : 1;
  } catch {
    return 1;
  }
}

/** Forward FLOPs (conv and dense multiply–adds × 2) from the architecture's topology, up to a layer if given. */
function forwardFlops(arch: 'vgg16' | 'alexnet', upTo?: string): number {
  const layers = analyzeTopology(topologies[arch].topology);
  const end = upTo ? layers.findIndex((l) => l.name === upTo) + 1 : layers.length;
  return layers.slice(0, end).reduce((a, l) => a + l.flops, 0);
}
/** A vanilla map = the forward pass + the gradient back to the input (the same multiply–adds again). */
const VGG16_MAP_FLOP = 2 * forwardFlops('vgg16');
const ALEXNET_TRUNK_FLOP = forwardFlops('alexnet', topologies.alexnet.trunkOutput);

// ---- The workloads (each in a child process) ----
const WORKLOADS: Record<string, () => Promise<Record<string, unknown>>> = {
  async load() {
    const out: Record<string, unknown> = {};
    for (const arch of ['alexnet', 'vgg16'] as const)
      for (const q of quick ? (['float16'] as const) : (['none', 'float16', 'uint8'] as const)) {
        const dir = model(arch, q);
        const bytes = readdirSync(dir).filter((f) => f.endsWith('.bin')).reduce((a, f) => a + statSync(join(dir, f)).size, 0);
        const t = performance.now();
        const b = await load(arch, q);
        await b.classify({ data: new Uint8ClampedArray(224 * 224 * 4).fill(128), width: 224, height: 224, channels: 4 }, 1);
        out[`load_${arch}_${q}`] = { bytes, ms: performance.now() - t };
        b.dispose();
      }
    return out;
  },

  async saliency() {
    // First the issue's own figure: the peak RSS of one `npm run saliency` (VGG16, one painting).
    const cli = saliencyCliPeak();
    const net = await load('vgg16');
    const lm = logitsModel(net.model);
    const x = tf.randomNormal([1, 224, 224, 3]) as tf.Tensor4D;
    const first = performance.now();
    await computeSaliency(lm.model, x, { method: 'vanilla', classIndex: 5 });
    const firstMs = performance.now() - first;
    const s = await timed(() => computeSaliency(lm.model, x, { method: 'vanilla', classIndex: 5 }), N, 0);
    const p = await peak(() => computeSaliency(lm.model, x, { method: 'vanilla', classIndex: 5 }));
    const out: Record<string, unknown> = { vgg16_saliency: { ...s, firstMs, memory: memory(p), threads: wasmThreads() }, vgg16_saliency_cli: cli };
    if (!quick) {
      const sg = await timed(() => computeSaliency(lm.model, x, { method: 'smoothgrad', classIndex: 5, samples: 25, batchSize: 1 }), 1, 0);
      out.vgg16_smoothgrad25 = { ...sg, memory: memory(p) };
    }
    return out;
  },

  async trunk() {
    const net = await load('alexnet');
    const plan = planFor(net.model, net.meta, 'fc8', 2);
    const files = wikiartFiles(quick ? 64 : 256);
    const out: Record<string, unknown> = {};
    let p = 0;
    for (const bs of [32, 64]) {
      const run = async () => {
        for (let i = 0; i < files.length; i += bs) {
          const imgs = await Promise.all(files.slice(i, i + bs).map((f) => decodeImageFile(f)));
          const batch = tf.tidy(() => tf.concat(imgs.map((im) => net.preprocess(im))) as tf.Tensor4D);
          const f = trunkFeatures(net.model, plan, batch);
          await f.data();
          tf.dispose([batch, f]);
        }
      };
      const s = await timed(run, 1, 0);
      p = Math.max(p, await peak(async () => run()));
      out[`alexnet_trunk_b${bs}`] = { ...s, images: files.length, images_per_s: files.length / (s.median / 1000), memory: memory(p), threads: wasmThreads() };
    }
    return out;
  },

  /** The course: wikiart7, 10 epochs, batch 128, fc8 and fc7+fc8; cold (trunk computed) and warm (features cached). */
  async course() {
    const net = await load('alexnet');
    const limit = quick ? 256 : Infinity;
    const files = wikiartFiles(limit);
    const ds: Dataset = stratifiedSplit(
      (() => {
        const d = fromPaths(files.map((f) => f.slice(WIKIART.length + 1)), 'wikiart7');
        return { ...d, items: d.items.map((it) => ({ ...it, source: join(WIKIART, it.source) })) };
      })(),
      0.2,
      0,
    );
    const config = { ...COURSE_RECIPE, epochs: quick ? 2 : 10 };
    const out: Record<string, unknown> = { images: ds.items.length, epochs: config.epochs };
    let cache: TrunkCache | undefined;
    let p = 0;
    for (const strategy of ['fc8', 'fc7-fc8'] as Strategy[]) {
      // What the frozen fc layers made of the trunk features, per strategy (the studio caches it the same way).
      let frozen: FrozenCache | undefined;
      for (const warm of [false, true]) {
        const t = performance.now();
        let r: Awaited<ReturnType<typeof fineTune>> | null = null;
        const run = async () => {
          r = await fineTune(net, ds, {
            strategy,
            config,
            image: (i) => decodeImageFile(ds.items[i]!.source),
            cachedTrunk: warm ? cache : undefined,
            cachedFrozen: warm ? frozen : undefined,
            onFrozenReady: (f) => void (frozen = f),
          });
        };
        // The tensors' peak is sampled between batches: tf.profile would read every kernel's output
        // synchronously and slow the timed run itself (a warm fc8 run took 4.3 s profiled).
        const sampler = setInterval(() => (p = Math.max(p, tf.memory().numBytes)), 20);
        try {
          await run();
        } finally {
          clearInterval(sampler);
        }
        const ms = performance.now() - t;
        const res = r as unknown as Awaited<ReturnType<typeof fineTune>>;
        if (!warm) cache = res.trunk;
        out[`course_${strategy}_${warm ? 'warm' : 'cold'}`] = { ms, featureMs: res.featureMs, valAcc: res.train.best.valAcc, memory: memory(p) };
        res.head.dispose();
        if (quick && warm) break;
      }
    }
    return out;
  },

  /** float16 / uint8 VGG16 (and AlexNet in a full run): top-1 agreement with float32 on real paintings. */
  async quant() {
    const n = quick ? 16 : 200;
    const files = wikiartFiles(n);
    const top1 = async (b: Backbone) => {
      const out: number[] = [];
      for (let i = 0; i < files.length; i += 8) {
        const imgs = await Promise.all(files.slice(i, i + 8).map((f) => decodeImageFile(f)));
        const x = tf.tidy(() => tf.concat(imgs.map((im) => b.preprocess(im))));
        const y = b.model.predict(x) as tf.Tensor;
        const top = y.argMax(-1);
        out.push(...(await top.data()));
        tf.dispose([x, y, top]);
      }
      return out;
    };
    const out: Record<string, unknown> = { inputs: n };
    for (const arch of quick ? (['vgg16'] as const) : (['vgg16', 'alexnet'] as const)) {
      const ref = await load(arch, 'none');
      const base = await top1(ref);
      ref.dispose();
      for (const q of ['float16', 'uint8'] as const) {
        const b = await load(arch, q);
        const t = await top1(b);
        b.dispose();
        out[`${arch}_${q}_top1_agreement`] = t.filter((c, i) => c === base[i]).length / n;
      }
    }
    out.memory = memory(0);
    return out;
  },
};

if (only) {
  const w = WORKLOADS[only];
  if (!w) throw new Error(`unknown workload ${only}`);
  await initNodeBackend();
  const r = await w();
  console.log(`BENCH_JSON ${JSON.stringify(r)}`);
  process.exit(0);
}

// ---- --gpu: the GPU rows alone, in headless Chromium (bench/browser.ts), models made first when missing ----
if (args.has('gpu')) {
  const pass = ['--gpu', ...(quick ? ['--quick'] : []), ...(args.has('allow-software') ? ['--allow-software'] : []), ...(args.has('adapter-only') ? ['--adapter-only'] : []), ...(str(args, 'gpu-limits') ? ['--gpu-limits', str(args, 'gpu-limits')!] : [])];
  const r = spawnSync('npx', ['tsx', join(ROOT, 'bench/browser.ts'), ...pass], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

// ---- The parent: the hardware, one child per workload, PyTorch, browser, table, guard ----
const backend = await initNodeBackend();
const cpu = cpuInfo();
process.stderr.write('bench: WASM SIMD128 peak…\n');
// Measured before any workload, with nothing else of ours running.
const wasmPeak: Record<number, number> = { 1: await wasmSimdPeak(1) };
if (cpu.cores > 1) wasmPeak[cpu.cores] = await wasmSimdPeak(cpu.cores);
const peakFor = (threads: number) => wasmPeak[threads] ?? wasmPeak[1]! * threads;
const results: Record<string, unknown> = {};
const chosen = str(args, 'workloads')?.split(',') ?? Object.keys(WORKLOADS);
for (const w of chosen) if (!WORKLOADS[w]) throw new Error(`unknown workload ${w}; valid: ${Object.keys(WORKLOADS).join(', ')}`);
for (const name of chosen) {
  process.stderr.write(`bench: ${name}…\n`);
  const r = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, '--only', name, ...(quick ? ['--quick'] : [])], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, TFJS_BACKEND: 'wasm' },
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH_JSON '));
  if (!line) {
    console.error(`bench: workload ${name} failed:\n${r.stderr.slice(-2000)}`);
    results[`${name}_error`] = r.stderr.slice(-500);
    continue;
  }
  Object.assign(results, JSON.parse(line.slice('BENCH_JSON '.length)));
}

let torchRes: Record<string, Stat & { images_per_s?: number; ms?: number }> | null = null;
if (reference === 'pytorch') {
  try {
    process.stderr.write('bench: PyTorch…\n');
    const out = execFileSync('/usr/bin/python3', [join(ROOT, 'bench/torch_bench.py'), '--images', WIKIART, ...(quick ? ['--quick'] : []), '--n', String(N)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    torchRes = JSON.parse(out.trim().split('\n').at(-1)!);
  } catch (e) {
    console.error(`PyTorch reference skipped: ${(e as Error).message.split('\n')[0]}`);
  }
}

let browser: Record<string, unknown> | null = null;
if (!args.has('no-browser')) {
  process.stderr.write('bench: browser…\n');
  // WASM in the browser on 1 thread and on as many as the app's model worker takes (2 on a 2-core machine).
  const threads = cpu.cores > 1 ? '1,2' : '1';
  // The quick run (CI) leaves out the software GPUs (SwiftShader here: minutes for little information).
  const r = spawnSync('npx', ['tsx', join(ROOT, 'bench/browser.ts'), '--backends', str(args, 'backends') ?? (quick ? 'wasm' : 'wasm,webgl,webgpu'), '--threads', threads, ...(quick ? ['--quick'] : [])], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH_JSON '));
  if (line) browser = JSON.parse(line.slice('BENCH_JSON '.length));
  else console.error(`bench: browser rows failed:\n${r.stderr.slice(-1500)}`);
}

type Row = [string, string, string, string];
const rows: Row[] = [];
const r = <T = Stat & { images_per_s?: number; firstMs?: number; ms?: number; memory?: { tfPeakMB: number; wasmHeapMB: number; rssPeakMB: number } }>(k: string) => results[k] as T | undefined;
const t = (k: string) => torchRes?.[k];
const ms = (v?: number) => (v === undefined ? '—' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`);
const mem = (m?: { tfPeakMB: number; wasmHeapMB: number; rssPeakMB: number }) => (m ? `tensors ${m.tfPeakMB.toFixed(0)} MB, heap ${m.wasmHeapMB.toFixed(0)} MB, RSS ${m.rssPeakMB.toFixed(0)} MB` : '');
/** A ratio to PyTorch, or a dash where PyTorch did not run (--reference none). */
const times = (r?: number) => (r === undefined || !Number.isFinite(r) ? '—' : `${r.toFixed(2)}×`);
const ratios: Record<string, number> = {};

/** Targets of the performance issue; the quick guard fails at twice as bad. */
const GUARDS: { key: string; target: number; better: 'lower' | 'higher'; what: string; reportOnly?: boolean }[] = [
  { key: 'vgg16_saliency_pct_peak', target: 0.65, better: 'higher', what: 'VGG16 map: share of the WASM SIMD128 peak (threads used)' },
  { key: 'alexnet_trunk_b32_pct_peak', target: 0.6, better: 'higher', what: 'AlexNet trunk, batch 32: share of the WASM SIMD128 peak (threads used)' },
  { key: 'course_cold', target: 0.1, better: 'lower', what: 'course workload, fc8 (cold) time / PyTorch' },
  { key: 'course_warm_s', target: 2, better: 'lower', what: 'course workload, fc8, warm (seconds)' },
  { key: 'course_warm_fc7_s', target: 15, better: 'lower', what: 'course workload, fc7+fc8, warm (seconds)' },
  { key: 'vgg16_saliency_rss_gb', target: 1.5, better: 'lower', what: 'one npm run saliency (VGG16): peak RSS (GB)' },
  { key: 'vgg16_float16_agreement', target: 0.99, better: 'higher', what: 'float16 top-1 agreement' },
  { key: 'vgg16_uint8_agreement', target: 0.97, better: 'higher', what: 'uint8 top-1 agreement' },
];

const sal = r('vgg16_saliency');
if (sal) {
  ratios.vgg16_saliency = t('vgg16_saliency') ? sal.median / t('vgg16_saliency')!.median : NaN;
  const cli = r<{ rssPeakMB?: number; ms?: number; error?: string }>('vgg16_saliency_cli');
  ratios.vgg16_saliency_rss_gb = (cli?.rssPeakMB ?? NaN) / 1000;
  const threads = (sal as { threads?: number }).threads ?? 1;
  const gflops = VGG16_MAP_FLOP / (sal.median / 1000) / 1e9;
  ratios.vgg16_saliency_pct_peak = gflops / peakFor(threads);
  rows.push(['VGG16 saliency (batch 1)', `${ms(sal.median)} (first ${ms(sal.firstMs)})`, ms(t('vgg16_saliency')?.median), times(ratios.vgg16_saliency)]);
  rows.push([`  attained, ${threads} thread${threads > 1 ? 's' : ''}`, `${gflops.toFixed(1)} GFLOP/s of ${(VGG16_MAP_FLOP / 1e9).toFixed(1)} GFLOP`, '', `${(ratios.vgg16_saliency_pct_peak * 100).toFixed(0)} % of peak (target ≥ 65 %)`]);
  rows.push(['  this process (maps after the first too)', mem(sal.memory), '', '']);
  rows.push(['  one `npm run saliency`: peak RSS', cli?.rssPeakMB ? `${cli.rssPeakMB.toFixed(0)} MB (whole run ${ms(cli.ms)})` : `failed: ${cli?.error ?? 'not run'}`, '', `target ≤ 1.5 GB`]);
}
const sg = r('vgg16_smoothgrad25');
if (sg) rows.push(['VGG16 SmoothGrad 25', ms(sg.median), ms(t('vgg16_smoothgrad25')?.median), times(sg.median / (t('vgg16_smoothgrad25')?.median ?? NaN))]);
for (const bs of [32, 64]) {
  const k = `alexnet_trunk_b${bs}`;
  const v = r(k);
  if (!v) continue;
  ratios[k] = t(k)?.images_per_s ? v.images_per_s! / t(k)!.images_per_s! : NaN;
  rows.push([`AlexNet trunk, batch ${bs} (img/s)`, `${v.images_per_s!.toFixed(1)} · ${mem(v.memory)}`, t(k)?.images_per_s?.toFixed(1) ?? '—', times(ratios[k])]);
  const threads = (v as { threads?: number }).threads ?? 1;
  const gflops = (v.images_per_s! * ALEXNET_TRUNK_FLOP) / 1e9;
  const share = gflops / peakFor(threads);
  ratios[`${k}_pct_peak`] = share;
  rows.push([`  attained, ${threads} thread${threads > 1 ? 's' : ''} (decode included)`, `${gflops.toFixed(1)} GFLOP/s (${(ALEXNET_TRUNK_FLOP / 1e9).toFixed(2)} GFLOP per image)`, '', `${(share * 100).toFixed(0)} % of peak${bs === 32 ? ' (target ≥ 60 %)' : ''}`]);
}
for (const strategy of ['fc8', 'fc7-fc8']) {
  const cold = r(`course_${strategy}_cold`);
  const warm = r(`course_${strategy}_warm`);
  const pt = t(`course_${strategy}_epoch`)?.ms;
  const epochs = (results.epochs as number) ?? 10;
  const ptTotal = pt !== undefined ? pt * epochs : undefined;
  if (cold) {
    const ratio = ptTotal ? cold.ms! / ptTotal : NaN;
    if (strategy === 'fc8') ratios.course_cold = ratio;
    rows.push([`course ${strategy}, cold (${results.images} paintings, ${epochs} ep.)`, `${ms(cold.ms)} (trunk ${ms((cold as { featureMs?: number }).featureMs)})`, ptTotal ? `${ms(ptTotal)} (1 epoch × ${epochs})` : '—', `${times(ratio)} (target ≤ 0.1×)`]);
  }
  if (warm) {
    ratios[strategy === 'fc8' ? 'course_warm_s' : 'course_warm_fc7_s'] = warm.ms! / 1000;
    rows.push([`course ${strategy}, warm feature cache`, `${ms(warm.ms)} · ${mem(warm.memory)}`, '', `target ≤ ${strategy === 'fc8' ? 2 : 15} s`]);
  }
}
for (const arch of ['vgg16', 'alexnet'])
  for (const q of ['float16', 'uint8']) {
    const a = results[`${arch}_${q}_top1_agreement`] as number | undefined;
    if (a === undefined) continue;
    ratios[`${arch}_${q}_agreement`] = a;
    rows.push([`${arch === 'vgg16' ? 'VGG16' : 'AlexNet'} ${q}: top-1 = float32`, `${(a * 100).toFixed(1)} % of ${results.inputs} paintings`, '', `target ≥ ${q === 'float16' ? 99 : 97} %`]);
  }
for (const arch of ['alexnet', 'vgg16'])
  for (const q of ['none', 'float16', 'uint8']) {
    const v = results[`load_${arch}_${q}`] as { bytes: number; ms: number } | undefined;
    if (v) rows.push([`load ${arch} ${q === 'none' ? 'float32' : q}`, `${(v.bytes / 1e6).toFixed(0)} MB, ${ms(v.ms)} to first prediction`, '', '']);
  }
if (browser)
  for (const [k, v] of Object.entries(browser.rows as Record<string, string>)) rows.push([`browser ${k}`, v, '', '']);

const torchPeaks = torchRes as unknown as { matmul_peak_gflops?: Record<string, number>; conv_peak_gflops?: Record<string, number>; native_peak_gflops?: Record<string, number> } | null;
const torchPeak = torchPeaks?.native_peak_gflops;
const machine = { cores: cpus().length, model: cpu.model, mhz: cpu.mhz, flags: cpu.flags, memGB: Math.round(totalmem() / 2 ** 30), node: process.version, backend: backend.name, wasmSimdPeakGflops: wasmPeak, nativeMatmulPeakGflops: torchPeak ?? null };
console.log(`\nTransferLens bench (${quick ? 'quick' : 'full'}) — ${machine.model}, ${machine.cores} cores, Node ${machine.node}, TF.js ${backend.name}${torchRes ? `, PyTorch ${(torchRes as unknown as { torch: string }).torch}` : ''}`);
console.log(`CPU flags: ${cpu.flags.join(' ') || 'unknown'}${cpu.mhz ? ` · ${cpu.mhz.toFixed(0)} MHz` : ''}`);
console.log(`WASM SIMD128 peak: ${Object.entries(wasmPeak).map(([n, g]) => `${g.toFixed(1)} GFLOP/s on ${n} thread${n === '1' ? '' : 's'}`).join(', ')}`);
const perThreads = (p?: Record<string, number>) => (p ? Object.entries(p).map(([n, g]) => `${g.toFixed(1)} on ${n} thread${n === '1' ? '' : 's'}`).join(', ') : '—');
if (torchPeak) console.log(`native peak, PyTorch (GFLOP/s): ${perThreads(torchPeak)} — sgemm 2048²: ${perThreads(torchPeaks?.matmul_peak_gflops)}; 3×3 conv 256→256 at 56²: ${perThreads(torchPeaks?.conv_peak_gflops)}`);
console.log('');
const w = [40, 60, 26, 24];
console.log(['workload', 'TF.js', 'PyTorch CPU', 'ratio'].map((h, i) => h.padEnd(w[i]!)).join(' | '));
for (const row of rows) console.log(row.map((c, i) => c.padEnd(w[i]!)).join(' | '));

const failures: string[] = [];
for (const g of GUARDS) {
  const v = ratios[g.key];
  if (v === undefined || Number.isNaN(v)) continue;
  const limit = g.better === 'lower' ? g.target * 2 : g.target / 2;
  const bad = g.better === 'lower' ? v > limit : v < limit;
  const meets = g.better === 'lower' ? v <= g.target : v >= g.target;
  console.log(`${bad ? '✗' : meets ? '✓' : '·'} ${g.what}: ${v.toFixed(3)} (target ${g.better === 'lower' ? '≤' : '≥'} ${g.target}; guard ${g.better === 'lower' ? '≤' : '≥'} ${limit})`);
  if (bad && !g.reportOnly) failures.push(g.what);
}
// A full run is a record (bench/results, committed by hand); a quick run (CI) is a check and leaves the checkout clean.
const outDir = join(ROOT, quick ? '.cache/bench' : 'bench/results');
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `${new Date().toISOString().slice(0, 10)}${quick ? '-quick' : ''}.json`);
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), quick, machine, tfjs: results, pytorch: torchRes, browser, ratios, guardFailures: failures }, null, 2));
console.log(`\nwritten to ${file}`);
if (quick && failures.length) {
  console.error(`\nbench guard: worse than twice the target: ${failures.join('; ')}`);
  process.exit(1);
}
