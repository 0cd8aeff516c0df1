/**
 * The browser half of `npm run bench` (driven by bench/browser.ts): one workload on one
 * backend, in the page's main thread, result in window.__bench.
 */
import * as tf from '@tensorflow/tfjs';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { fromLayersModel, loadBackbone, loadLayers } from '../src/ml/runtime/backbone';
import { configureWasm, describeAdapter, selectBackend } from '../src/ml/runtime/backend';
import { isBackendName } from '../src/ml/core/vocab';
import { trunkFeatures } from '../src/ml/training/features';
import { computeSaliency } from '../src/ml/saliency/saliency';
import { logitsModel } from '../src/ml/saliency/logitsModel';
import { planFor } from '../src/ml/core/surgery';
import { createHead } from '../src/ml/training/head';
import { cachedSource, trainHead } from '../src/ml/training/loop';
import { mulberry32 } from '../src/ml/core/random';
import { COURSE_RECIPE, type Strategy } from '../src/ml/core/vocab';

const q = new URLSearchParams(location.search);
const w = window as unknown as { __bench: unknown };

async function decode(url: string) {
  const bmp = await createImageBitmap(await (await fetch(url)).blob());
  const c = new OffscreenCanvas(bmp.width, bmp.height);
  const ctx = c.getContext('2d')!;
  ctx.drawImage(bmp, 0, 0);
  const d = ctx.getImageData(0, 0, bmp.width, bmp.height);
  return { data: d.data, width: d.width, height: d.height, channels: 4 as const };
}

/** The WebGPU adapter headless Chromium offers (before any backend starts), or why there is none. */
async function adapter() {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(o: unknown): Promise<{ info?: Record<string, unknown>; isFallbackAdapter?: boolean; limits: Record<string, number> } | null> } }).gpu;
  if (!gpu) return { adapter: null, why: 'navigator.gpu is missing (WebGPU is off in this browser)' };
  const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!a) return { adapter: null, why: 'navigator.gpu.requestAdapter() gave no adapter' };
  const { text, software } = describeAdapter(a);
  return { adapter: { text: text || 'unnamed adapter', software, maxStorageBufferBindingSize: a.limits.maxStorageBufferBindingSize, maxBufferSize: a.limits.maxBufferSize } };
}

async function main() {
  if (q.get('workload') === 'adapter') return adapter();
  const backend = q.get('backend') ?? 'wasm';
  if (!isBackendName(backend)) throw new Error(`no backend ${backend}`);
  const abs = (u: string) => new URL(u, location.href).href;
  configureWasm({ 'tfjs-backend-wasm.wasm': abs(wasmPlain), 'tfjs-backend-wasm-simd.wasm': abs(wasmSimd), 'tfjs-backend-wasm-threaded-simd.wasm': abs(wasmThreaded) });
  const info = await selectBackend([backend], { allowSoftwareGpu: true, wasmThreads: Number(q.get('threads') ?? 1), gpuLimits: q.get('gpuLimits') === 'minimum' ? 'minimum' : 'adapter' });
  if (info.name !== backend) throw new Error(`${backend} did not initialise: ${info.skipped.map((s) => s.reason).join('; ')}`);
  if (backend === 'wasm' && info.threads !== Number(q.get('threads') ?? 1)) throw new Error(`asked for ${q.get('threads') ?? 1} WASM threads, got ${info.threads} (${info.detail})`);
  const workload = q.get('workload');
  const modelUrl = (arch: string) => `/.cache/models/${arch}-random-none/model.json`;
  const loadNet = (arch: string) => loadBackbone(modelUrl(arch));
  if (workload === 'load') {
    const out: Record<string, number> = {};
    for (const arch of (q.get('archs') ?? 'alexnet,vgg16').split(',')) {
      await tf.io.removeModel(`indexeddb://bench-${arch}`).catch(() => undefined);
      let t = performance.now();
      const m = await loadLayers(modelUrl(arch));
      const b = await fromLayersModel(m);
      await b.classify({ data: new Uint8ClampedArray(224 * 224 * 4).fill(128), width: 224, height: 224, channels: 4 }, 1);
      out[`${arch}_network_ms`] = performance.now() - t;
      await m.save(`indexeddb://bench-${arch}`);
      b.dispose();
      t = performance.now();
      const c = await loadBackbone(`indexeddb://bench-${arch}`);
      await c.classify({ data: new Uint8ClampedArray(224 * 224 * 4).fill(128), width: 224, height: 224, channels: 4 }, 1);
      out[`${arch}_indexeddb_ms`] = performance.now() - t;
      c.dispose();
      await tf.io.removeModel(`indexeddb://bench-${arch}`);
    }
    return out;
  }
  if (workload === 'logits') {
    // VGG16's logits for one seeded input (the same numbers on every backend): the GPU/WASM parity check.
    const net = await loadNet('vgg16');
    const lm = logitsModel(net.model);
    const x = tf.randomNormal([1, 224, 224, 3], 0, 50, 'float32', 11);
    const y = lm.model.predict(x) as tf.Tensor;
    const logits = Array.from(await y.data());
    tf.dispose([x, y]);
    return { logits, warnings: net.warnings };
  }
  if (workload === 'smoothgrad') {
    const net = await loadNet('vgg16');
    const lm = logitsModel(net.model);
    const x = tf.randomNormal([1, 224, 224, 3]) as tf.Tensor4D;
    const samples = Number(q.get('samples') ?? 25);
    const t = performance.now();
    await computeSaliency(lm.model, x, { method: 'smoothgrad', samples, classIndex: 5 });
    return { ms: performance.now() - t, samples };
  }
  if (workload === 'saliency') {
    const net = await loadNet('vgg16');
    const lm = logitsModel(net.model);
    const x = tf.randomNormal([1, 224, 224, 3]) as tf.Tensor4D;
    let t = performance.now();
    await computeSaliency(lm.model, x, { method: 'vanilla', classIndex: 5 });
    const first = performance.now() - t;
    const ts: number[] = [];
    for (let i = 0; i < Number(q.get('n') ?? 3); i++) {
      t = performance.now();
      await computeSaliency(lm.model, x, { method: 'vanilla', classIndex: 5 });
      ts.push(performance.now() - t);
    }
    ts.sort((a, b) => a - b);
    return { firstMs: first, medianMs: ts[Math.floor(ts.length / 2)] ?? first, tfBytes: tf.memory().numBytes };
  }
  if (workload === 'trunk') {
    const net = await loadNet('alexnet');
    const plan = planFor(net.model, net.meta, 'fc8', 2);
    const files = (q.get('files') ?? '').split('|').filter(Boolean);
    const bs = Number(q.get('batch') ?? 32);
    // Warm-up (shader compilation on GPU backends).
    const w0 = tf.tidy(() => trunkFeatures(net.model, plan, tf.zeros([1, 224, 224, 3]) as tf.Tensor4D));
    await w0.data();
    w0.dispose();
    const t = performance.now();
    for (let i = 0; i < files.length; i += bs) {
      const imgs = await Promise.all(files.slice(i, i + bs).map(decode));
      const batch = tf.tidy(() => tf.concat(imgs.map((im) => net.preprocess(im))) as tf.Tensor4D);
      const f = trunkFeatures(net.model, plan, batch);
      await f.data();
      tf.dispose([batch, f]);
    }
    return { images: files.length, imagesPerS: files.length / ((performance.now() - t) / 1000), tfBytes: tf.memory().numBytes };
  }
  if (workload === 'head') {
    // The warm course run's work: AlexNet's new head trained on cached frozen-layer outputs (the
    // course's sizes: 3,203 training and 801 validation rows of 4,096, 7 styles, the course recipe).
    // The rows are seeded noise, not paintings: the time depends on the sizes, not on the values.
    const net = await loadNet('alexnet');
    const rows = Number(q.get('rows') ?? 3203);
    const valRows = Number(q.get('val') ?? 801);
    const epochs = Number(q.get('epochs') ?? 10);
    const classes = 7;
    const rand = mulberry32(7);
    const set = (n: number, dim: number) => ({
      n,
      dim,
      x: Float32Array.from({ length: n * dim }, () => (rand() + rand() + rand() - 1.5) * 2),
      y: Int32Array.from({ length: n }, () => Math.floor(rand() * classes)),
    });
    const out: Record<string, number> = { rows, valRows, epochs };
    for (const strategy of (q.get('strategies') ?? 'fc8,fc7-fc8').split(',') as Strategy[]) {
      const plan = planFor(net.model, net.meta, strategy, classes);
      const dim = 4096;
      const [train, val] = [set(rows, dim), set(valRows, dim)];
      const head = createHead(net.model, plan, dim, 0);
      const t = performance.now();
      const r = await trainHead(head, cachedSource(train), val, classes, { ...COURSE_RECIPE, epochs });
      out[`${strategy}_ms`] = performance.now() - t;
      out[`${strategy}_epochMs`] = Math.min(...r.epochs.map((e) => e.ms));
      head.dispose();
    }
    return out;
  }
  throw new Error(`unknown workload ${workload}`);
}

main().then(
  (r) => {
    w.__bench = { ok: true, backend: tf.getBackend(), ...r };
    document.getElementById('status')!.textContent = 'done';
  },
  (e) => {
    w.__bench = { ok: false, error: e instanceof Error ? e.message : String(e) };
    document.getElementById('status')!.textContent = 'failed';
  },
);
