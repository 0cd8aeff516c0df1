/** Backend selection: the first backend that initialises and passes a tiny warm-up wins. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { startKernelHelpers } from './wasm/gemv';
import { registerWasmKernels } from './wasm/register';

import { BACKEND_ORDER, type BackendName } from '../core/vocab';

export interface BackendInfo {
  name: BackendName;
  /** Adapter / renderer description when the backend exposes one. */
  detail: string;
  /** Backends tried before this one, with why they failed. */
  skipped: { name: BackendName; reason: string }[];
  /** WASM: the threads XNNPACK really runs (1 without cross-origin isolation); other backends: absent. */
  threads?: number;
}

/** Where the WASM binaries are served from (the app's own origin; no CDN). */
export function configureWasm(paths: string | Record<string, string>): void {
  setWasmPaths(paths as Parameters<typeof setWasmPaths>[0]);
}

/** The tiny warm-up: a conv + matmul whose result we check, so a broken backend is skipped. */
async function warmup(): Promise<number> {
  const out = tf.tidy(() => {
    const x = tf.ones([1, 4, 4, 1]) as tf.Tensor4D;
    const k = tf.ones([3, 3, 1, 1]) as tf.Tensor4D;
    return tf.conv2d(x, k, 1, 'same').sum().add(tf.matMul(tf.ones([2, 2]), tf.ones([2, 2])).sum());
  });
  try {
    // Asynchronous read: GPU backends in a worker may not support a synchronous one.
    return (await out.data())[0]!;
  } finally {
    out.dispose();
  }
}
// conv of a 4×4 ones image with a 3×3 ones kernel ('same') sums to 100; the matmul to 8.
const WARMUP_EXPECTED = 108;

function describe(name: BackendName): string {
  try {
    if (name === 'webgl') {
      const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
      if (gl) {
        const ext = gl.getExtension('WEBGL_debug_renderer_info');
        return String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
      }
    }
    if (name === 'webgpu') {
      const b = tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string }; device?: { limits?: { maxStorageBufferBindingSize?: number } } };
      const info = b.adapterInfo;
      const limit = b.device?.limits?.maxStorageBufferBindingSize;
      const what = [info?.vendor, info?.architecture].filter(Boolean).join(' ') || 'WebGPU adapter';
      return limit ? `${what}, buffers up to ${Math.round(limit / 1e6)} MB` : what;
    }
    if (name === 'wasm') {
      const n = getThreadsCount();
      return `WebAssembly${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? ' + SIMD' : ''}, ${n} thread${n === 1 ? '' : 's'}`;
    }
    if (name === 'cpu') return 'plain JavaScript (slow)';
  } catch {
    /* detail is best-effort */
  }
  return '';
}

const SOFTWARE_GPU = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** A WebGPU adapter in words, and whether it is software-emulated (a fallback adapter, or SwiftShader and kin). */
export function describeAdapter(adapter: { info?: Record<string, unknown>; isFallbackAdapter?: boolean }): { text: string; software: boolean } {
  const info = adapter.info ?? {};
  const text = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  return { text, software: !!(adapter.isFallbackAdapter || info.isFallbackAdapter) || SOFTWARE_GPU.test(text) };
}

/**
 * Why WebGPU cannot be tried, or null. Without an adapter TF.js's own start fails with "Cannot read
 * properties of null (reading 'features')" in the console, so it is not started at all; a
 * software-emulated GPU is ~100× slower than WASM, so automatic selection passes it over.
 */
async function webGpuUnfit(allowSoftware: boolean): Promise<string | null> {
  const gpu = (globalThis.navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
  if (!gpu) return 'this browser has no WebGPU';
  const adapter = (await gpu.requestAdapter()) as { info?: Record<string, unknown>; isFallbackAdapter?: boolean } | null;
  if (!adapter) return 'no WebGPU adapter on this machine';
  const { text, software } = describeAdapter(adapter);
  return software && !allowSoftware ? `software-emulated GPU (${text || 'fallback adapter'}), slower than WebAssembly` : null;
}

/**
 * tfjs-backend-wasm caps its pool at `navigator.hardwareConcurrency / 2` (it assumes two
 * hyper-threads per core), read once while the module starts: on a 2-core laptop that is 1
 * whatever setThreadsCount asks. While it starts, the worker reports twice the logical cores, so
 * the cap becomes the logical cores and the budget asked for (threads.ts) decides; the real
 * value is back as soon as the backend is up. Nothing happens where threads were not asked for.
 */
async function liftingCoreCap<T>(threads: number, start: () => Promise<T>): Promise<T> {
  const nav = globalThis.navigator as { hardwareConcurrency?: number } | undefined;
  const cores = nav?.hardwareConcurrency;
  if (!nav || threads <= 1 || !cores || Object.hasOwn(nav, 'hardwareConcurrency')) return start();
  Object.defineProperty(nav, 'hardwareConcurrency', { value: cores * 2, configurable: true });
  try {
    return await start();
  } finally {
    delete nav.hardwareConcurrency;
  }
}

/**
 * Which buffer limits the WebGPU device asks for: TF.js asks for the adapter's maximum; 'minimum'
 * asks for none, so the device has the limits every WebGPU adapter guarantees (128 MiB per
 * binding, 256 MiB per buffer) — how the app runs on a small GPU, tried on any GPU.
 */
export type GpuLimits = 'adapter' | 'minimum';
let webgpuLimits: GpuLimits = 'adapter';

interface GpuAdapterLike {
  features: Set<string>;
  limits: Record<string, number>;
  info?: unknown;
  requestDevice(d: unknown): Promise<unknown>;
}

/** Registers TF.js's WebGPU backend factory again, asking the device for `limits` (as tfjs-backend-webgpu's base.ts does otherwise). */
function useWebGpuLimits(limits: GpuLimits): void {
  if (limits === webgpuLimits || !tf.findBackendFactory('webgpu')) return;
  tf.removeBackend('webgpu');
  tf.registerBackend(
    'webgpu',
    async () => {
      const gpu = (globalThis.navigator as unknown as { gpu: { requestAdapter(o: unknown): Promise<GpuAdapterLike | null> } }).gpu;
      const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (!adapter) throw new Error('no WebGPU adapter');
      const a = adapter.limits;
      const requiredLimits: Record<string, number> = {
        maxComputeWorkgroupStorageSize: a.maxComputeWorkgroupStorageSize!,
        maxComputeWorkgroupsPerDimension: a.maxComputeWorkgroupsPerDimension!,
        maxComputeWorkgroupSizeX: a.maxComputeWorkgroupSizeX!,
        maxComputeInvocationsPerWorkgroup: a.maxComputeInvocationsPerWorkgroup!,
        ...(limits === 'adapter' && { maxStorageBufferBindingSize: a.maxStorageBufferBindingSize!, maxBufferSize: a.maxBufferSize! }),
      };
      const requiredFeatures = ['timestamp-query', 'bgra8unorm-storage'].filter((f) => adapter.features.has(f));
      const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
      return new WebGPUBackend(device as ConstructorParameters<typeof WebGPUBackend>[0], adapter.info as ConstructorParameters<typeof WebGPUBackend>[1]);
    },
    3,
  );
  webgpuLimits = limits;
}

export interface SelectOptions {
  /** The WebGPU device's buffer limits (default: the adapter's). */
  gpuLimits?: GpuLimits;
  /** Accept a software-emulated GPU (SwiftShader); only when the user asked for that backend. */
  allowSoftwareGpu?: boolean;
  /** Threads to ask of the WASM backend (see threads.ts); only when it is not running yet. Default 1. */
  wasmThreads?: number;
}

export async function selectBackend(order: readonly BackendName[] = BACKEND_ORDER, options: SelectOptions = {}): Promise<BackendInfo> {
  // Must come before the WASM backend starts. Threads also need cross-origin isolation (COOP/COEP
  // from the server or the service worker) and, in a minified build, the wasmThreads Vite plugin.
  const threads = Math.max(1, Math.floor(options.wasmThreads ?? 1));
  setThreadsCount(threads);
  registerWasmKernels();
  useWebGpuLimits(options.gpuLimits ?? 'adapter');
  const skipped: BackendInfo['skipped'] = [];
  for (const name of order) {
    try {
      const unfit = name === 'webgpu' ? await webGpuUnfit(!!options.allowSoftwareGpu) : null;
      if (unfit) throw new Error(unfit);
      const ok = name === 'wasm' ? await liftingCoreCap(threads, () => tf.setBackend(name)) : await tf.setBackend(name);
      if (!ok) throw new Error('did not initialise');
      await tf.ready();
      const v = await warmup();
      if (!(Math.abs(v - WARMUP_EXPECTED) < 1e-3)) throw new Error(`warm-up gave a wrong result (${v} instead of ${WARMUP_EXPECTED})`);
      const detail = describe(name);
      const running = name === 'wasm' ? getThreadsCount() : undefined;
      // Our own kernels get the same threads: this one and running − 1 helpers (wasm/pool.ts),
      // used once they report ready; the backend does not wait for them.
      if (running && running > 1) void startKernelHelpers(tf.backend(), running - 1);
      if (name === 'webgl' && !options.allowSoftwareGpu && SOFTWARE_GPU.test(detail))
        throw new Error(`software-emulated GPU (${detail}), slower than WebAssembly`);
      return { name, detail, skipped, ...(running !== undefined && { threads: running }) };
    } catch (e) {
      skipped.push({ name, reason: (e as Error).message || String(e) });
    }
  }
  throw new Error(`no TF.js backend could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}
