/**
 * Browser rows of `npm run bench`: a Vite dev server over the project, Debian's Chromium
 * (headless, --enable-unsafe-webgpu: software rendering here), bench/browser.html per
 * workload × backend in a fresh page. Prints `BENCH_JSON {rows, results}`.
 * Memory: peak resident memory of the whole Chromium process tree, sampled every 200 ms.
 * Alone: `npx tsx bench/browser.ts --backends wasm --threads 1,2 --workloads saliency` compares
 * WASM thread counts (the server sends COOP/COEP so threads can run); `--workloads head` times
 * the warm course run's head (not in the default set).
 */
import { execSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { parseArgs, str } from '../scripts/lib/args';

const ROOT = resolve(import.meta.dirname, '..');
const SHARED = resolve(process.env.SHARED_DIR ?? join(ROOT, '../shared'));
const args = parseArgs(process.argv.slice(2));
const quick = args.has('quick');
const backends = (str(args, 'backends') ?? 'wasm,webgl,webgpu').split(',');
/** WASM thread counts to run (each a row); more than 1 needs the isolation headers below. */
const threadCounts = (str(args, 'threads') ?? '1').split(',').map(Number);
const workloads = new Set((str(args, 'workloads') ?? 'trunk,saliency,load').split(','));
/** Per workload × backend; SwiftShader WebGPU is ~100× slower than WASM, so GPU rows are small. */
const LIMIT_MS = quick ? 120_000 : 300_000;

/** Resident memory of a process and all its descendants (our Chromium only, not other browsers). */
function treeRssMB(root: number): number {
  try {
    const procs = execSync('ps -e -o pid=,ppid=,rss=', { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/).map(Number) as [number, number, number]);
    const inTree = new Set([root]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, ppid] of procs)
        if (inTree.has(ppid) && !inTree.has(pid)) {
          inTree.add(pid);
          grew = true;
        }
    }
    return procs.filter(([pid]) => inTree.has(pid)).reduce((a, [, , rss]) => a + rss, 0) / 1024;
  } catch {
    return NaN;
  }
}

const server = await createServer({
  root: ROOT,
  configFile: false,
  logLevel: 'error',
  server: {
    port: 4190,
    strictPort: false,
    host: '127.0.0.1',
    fs: { allow: [ROOT, SHARED] },
    // Cross-origin isolation, so WASM can run threads (--threads).
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
  },
  worker: { format: 'es' },
});
await server.listen();
const base = server.resolvedUrls!.local[0]!;
const browserServer = await chromium.launchServer({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-dev-shm-usage'] });
const browserPid = browserServer.process().pid!;
const browser = await chromium.connect(browserServer.wsEndpoint());
const styles = readdirSync(join(SHARED, 'datasets/wikiart7')).sort();
const files = (n: number) => Array.from({ length: n }, (_, i) => `/@fs${join(SHARED, 'datasets/wikiart7', styles[i % styles.length]!, readdirSync(join(SHARED, 'datasets/wikiart7', styles[i % styles.length]!)).sort()[Math.floor(i / styles.length)]!)}`);

const results: Record<string, unknown> = {};
const rows: Record<string, string> = {};
async function run(backend: string, workload: string, params: Record<string, string>, limitMs = LIMIT_MS): Promise<Record<string, unknown>> {
  const page = await browser.newPage();
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, treeRssMB(browserPid))), 200);
  try {
    const url = `${base}bench/browser.html?${new URLSearchParams({ backend, workload, ...params })}`;
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => (window as unknown as { __bench?: unknown }).__bench, null, { timeout: limitMs, polling: 500 });
    const r = (await page.evaluate(() => (window as unknown as { __bench: Record<string, unknown> }).__bench)) as Record<string, unknown>;
    return { ...r, browserRssPeakMB: peak };
  } catch (e) {
    return { ok: false, error: `${(e as Error).message.split('\n')[0]}`, browserRssPeakMB: peak };
  } finally {
    clearInterval(timer);
    await page.close();
  }
}

const fmt = (v: unknown) => (typeof v === 'number' ? (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`) : '—');
if (args.has('gpu')) process.exit(await gpuRun());

/**
 * `npm run bench -- --gpu`: the adapter headless Chromium offers; with a hardware one, the VGG16
 * map, SmoothGrad, the AlexNet trunk and the warm course run's head on WebGPU, and VGG16's logits
 * against WASM's. Without
 * one (or only SwiftShader, unless --allow-software) it says so and exits 0. --adapter-only: the adapter line alone.
 */
async function gpuRun(): Promise<number> {
  const found = await run('webgpu', 'adapter', {}, 60_000);
  const a = found.adapter as { text: string; software: boolean; maxStorageBufferBindingSize: number; maxBufferSize: number } | null | undefined;
  const done = async (code: number) => {
    await browser.close();
    await browserServer.close();
    await server.close();
    return code;
  };
  if (!a) {
    console.log(`bench --gpu: no WebGPU adapter in headless Chromium here (${String(found.why ?? found.error ?? 'none offered')}); nothing timed.`);
    return done(0);
  }
  if (a.software && !args.has('allow-software')) {
    console.log(`bench --gpu: the only WebGPU adapter here is software (${a.text}), not a GPU; nothing timed. --allow-software times it anyway (about 100× slower than WebAssembly).`);
    return done(0);
  }
  const limits = str(args, 'gpu-limits') === 'minimum' ? 'minimum' : 'adapter';
  const mb = (b: number) => `${Math.round(b / 1e6)} MB`;
  console.log(`bench --gpu: adapter ${a.text}${a.software ? ' (software)' : ''}; buffers up to ${mb(a.maxStorageBufferBindingSize)} per binding, ${mb(a.maxBufferSize)} per buffer; device asks for the ${limits === 'minimum' ? 'minimum (128 MiB) limits' : "adapter's limits"}`);
  if (args.has('adapter-only')) return done(0);
  // The random-weights models the workloads load (as bench.ts makes them).
  const { makeRandomModelFiles } = await import('../src/ml/convert/checkpoint');
  const { writeModelDir } = await import('../scripts/lib/fsModel');
  const { initNodeBackend } = await import('../scripts/lib/nodeTf');
  for (const arch of ['vgg16', 'alexnet'] as const) {
    const dir = join(ROOT, '.cache/models', `${arch}-random-none`);
    if (existsSync(join(dir, 'model.json'))) continue;
    await initNodeBackend();
    console.log(`bench --gpu: making random-weights ${arch} in ${dir}…`);
    writeModelDir(dir, makeRandomModelFiles(arch, 1, { quantize: 'none' }));
  }
  const g = { gpuLimits: limits };
  const small = quick || a.software;
  const out: Record<string, unknown> = { adapter: a, limits };
  const line = (k: string, v: string) => console.log(`  ${k.padEnd(34)} ${v}`);
  const [gl, wl] = [await run('webgpu', 'logits', g, 900_000), await run('wasm', 'logits', {}, 300_000)];
  if (gl.ok && wl.ok) {
    const x = gl.logits as number[];
    const y = wl.logits as number[];
    const maxDiff = Math.max(...x.map((v, i) => Math.abs(v - y[i]!)));
    const scale = Math.max(...y.map(Math.abs));
    out.parity = { maxDiff, scale, warnings: gl.warnings };
    // Float32 sums in another order differ by a few ulps of the largest logit: judged relative to it.
    line('VGG16 logits vs WASM', `max |Δ| ${maxDiff.toExponential(2)} = ${(maxDiff / scale).toExponential(1)} of the largest logit (${scale.toFixed(1)})${maxDiff <= 1e-3 * Math.max(1, scale) ? '' : ' — over 1e-3 of it'}`);
    for (const w of gl.warnings as string[]) line('', w);
  } else line('VGG16 logits vs WASM', `failed: ${String(gl.error ?? wl.error)}`);
  const sal = await run('webgpu', 'saliency', { ...g, n: small ? '1' : '5' }, 900_000);
  out.saliency = sal;
  line('VGG16 vanilla map', sal.ok ? `${fmt(sal.medianMs)} (first ${fmt(sal.firstMs)})` : `failed: ${String(sal.error)}`);
  const sg = await run('webgpu', 'smoothgrad', { ...g, samples: small ? '2' : '25' }, 900_000);
  out.smoothgrad = sg;
  line(`VGG16 SmoothGrad (${small ? 2 : 25} samples)`, sg.ok ? fmt(sg.ms) : `failed: ${String(sg.error)}`);
  const trunk = await run('webgpu', 'trunk', { ...g, files: files(small ? 8 : 128).join('|'), batch: small ? '8' : '32' }, 900_000);
  out.trunk = trunk;
  line(`AlexNet trunk (batch ${small ? 8 : 32})`, trunk.ok ? `${(trunk.imagesPerS as number).toFixed(1)} img/s (${String(trunk.images)} paintings, decode included)` : `failed: ${String(trunk.error)}`);
  // The warm course run's head (issue 13: fc8 ≤ 2 s, fc7+fc8 ≤ 15 s) on WebGPU; `npm run bench` times it on WASM.
  // On a software adapter fc8 alone: one of fc7's 128×4096 by 4096×4096 products takes 10–19 s on
  // SwiftShader, and a training step's chain of them loses the WebGPU instance there.
  const head = await run('webgpu', 'head', { ...g, ...(small && { rows: '256', val: '64', epochs: '1' }), ...(a.software && { strategies: 'fc8' }) }, 900_000);
  out.head = head;
  const fc7 = head['fc7-fc8_ms'] === undefined ? 'fc7+fc8 not run (software adapter)' : `fc7+fc8 ${fmt(head['fc7-fc8_ms'])}`;
  line('course head, warm', head.ok ? `fc8 ${fmt(head.fc8_ms)}, ${fc7} (${String(head.rows)} rows × ${String(head.epochs)} epochs)` : `failed: ${String(head.error)}`);
  console.log(`BENCH_GPU_JSON ${JSON.stringify(out)}`);
  return done(gl.ok && wl.ok && sal.ok && sg.ok && trunk.ok && head.ok ? 0 : 1);
}

const configs = backends.flatMap((b) => (b === 'wasm' ? threadCounts.map((t) => ({ backend: b, threads: t })) : [{ backend: b, threads: 1 }]));
for (const { backend, threads } of configs) {
  const gpu = backend !== 'wasm';
  const key = gpu || threads === 1 ? backend : `${backend}${threads}t`;
  const label = gpu ? backend : `${backend} (${threads} thread${threads === 1 ? '' : 's'})`;
  const t = { threads: String(threads) };
  if (workloads.has('trunk')) {
    const trunk = await run(backend, 'trunk', { ...t, files: files(gpu || quick ? 8 : 64).join('|'), batch: gpu || quick ? '8' : '32' });
    results[`${key}_trunk`] = trunk;
    rows[`${label}: AlexNet trunk`] = trunk.ok ? `${(trunk.imagesPerS as number).toFixed(1)} img/s (${trunk.images} paintings) · browser RSS ${(trunk.browserRssPeakMB as number).toFixed(0)} MB` : `failed: ${trunk.error}`;
  }
  if (!quick && workloads.has('saliency')) {
    const sal = await run(backend, 'saliency', { ...t, n: gpu ? '1' : '3' }, gpu ? 180_000 : LIMIT_MS);
    results[`${key}_saliency`] = sal;
    rows[`${label}: VGG16 saliency`] = sal.ok ? `${fmt(sal.medianMs)} (first ${fmt(sal.firstMs)}) · browser RSS ${(sal.browserRssPeakMB as number).toFixed(0)} MB` : `failed: ${sal.error}`;
  }
  if (workloads.has('head')) {
    // Not in the default set: the warm course run's head (10 epochs of 3,203 rows on WASM; 1 epoch of
    // 256 and fc8 alone on SwiftShader, as in gpuRun). On WASM it runs in the page's main thread,
    // where our kernels' helper threads cannot (pool.ts): slower than the studio's worker or Node.
    const small = gpu || quick;
    const h = await run(backend, 'head', { ...t, ...(small ? { rows: '256', val: '64', epochs: '1' } : {}), ...(gpu && { strategies: 'fc8' }) });
    results[`${key}_head`] = h;
    const fc7 = h['fc7-fc8_ms'] === undefined ? 'fc7+fc8 not run (software GPU)' : `fc7+fc8 ${fmt(h['fc7-fc8_ms'])}`;
    rows[`${label}: course head, warm${gpu ? '' : ' (main thread, no kernel helpers)'}`] = h.ok ? `fc8 ${fmt(h.fc8_ms)}, ${fc7} (${String(h.rows)} rows × ${String(h.epochs)} epochs)` : `failed: ${h.error}`;
  }
  if (!quick && workloads.has('load')) {
    const load = await run(backend, 'load', { ...t, archs: gpu ? 'alexnet' : 'alexnet,vgg16' });
    results[`${key}_load`] = load;
    if (load.ok)
      for (const arch of ['alexnet', 'vgg16'])
        if (load[`${arch}_network_ms`] !== undefined) rows[`${label}: load ${arch} float32`] = `from the server ${fmt(load[`${arch}_network_ms`])}, from IndexedDB ${fmt(load[`${arch}_indexeddb_ms`])}`;
    if (!load.ok) rows[`${label}: load`] = `failed: ${load.error}`;
  }
}
await browser.close();
await browserServer.close();
await server.close();
console.log(`BENCH_JSON ${JSON.stringify({ chromium: execSync('/usr/bin/chromium --version', { encoding: 'utf8' }).trim(), note: 'headless Chromium without a GPU: WebGL and WebGPU are SwiftShader software rendering', rows, results })}`);
process.exit(0);
