/**
 * Our GEMV kernel (kernelsWat.ts) instantiated against the WASM backend's own memory, so it reads
 * the weights where TF.js keeps them. Null where it cannot run — a build or browser without
 * SIMD, or a backend whose memory we cannot reach — and the stock kernel is used instead.
 */
import { KERNELS_WASM } from './kernelsBinary';
import type { Info } from './util';

/** gemv(x, w, y, m, k, n): byte addresses in the backend's memory; see kernelsWat.ts. */
export type Gemv = (x: number, w: number, y: number, m: number, k: number, n: number) => void;

interface WasmModule {
  wasmMemory?: WebAssembly.Memory;
  asm?: { memory?: WebAssembly.Memory };
}

const cache = new WeakMap<WebAssembly.Memory, Gemv | null>();

function bytes(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The backend's memory: the threaded build exposes it as wasmMemory, the others as asm.memory. */
export function backendMemory(backend: unknown): WebAssembly.Memory | undefined {
  const wasm = (backend as { wasm?: WasmModule }).wasm;
  return wasm?.wasmMemory ?? wasm?.asm?.memory;
}

export function gemvFor(backend: unknown): Gemv | null {
  const memory = backendMemory(backend);
  if (!memory) return null;
  if (cache.has(memory)) return cache.get(memory)!;
  let fn: Gemv | null = null;
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes(shared ? KERNELS_WASM.shared : KERNELS_WASM.own)), { env: { memory } });
    fn = inst.exports.gemv as Gemv;
  } catch {
    fn = null; // no SIMD128 or bulk memory here: the stock kernel it is
  }
  cache.set(memory, fn);
  return fn;
}

/** A tensor's byte address in the backend's memory. */
function address(backend: unknown, dataId: unknown): number {
  return (backend as { dataIdMap: { get(id: unknown): { memoryOffset: number } } }).dataIdMap.get(dataId).memoryOffset;
}

/**
 * x·W by our GEMV (x m×k, W k×n, row-major float32) as a new tensor of `shape` (m·n values); null
 * where it cannot run here (no kernel, another dtype, n not a multiple of 4): the caller's stock path then.
 */
export function gemvProduct(backend: unknown, x: Info, w: Info, m: number, k: number, n: number, shape: number[]): Info | null {
  if (n % 4 !== 0 || x.dtype !== 'float32' || w.dtype !== 'float32') return null;
  const gemv = gemvFor(backend);
  if (!gemv) return null;
  const out = (backend as { makeOutput(shape: number[], dtype: 'float32'): Info }).makeOutput(shape, 'float32');
  gemv(address(backend, x.dataId), address(backend, w.dataId), address(backend, out.dataId), m, k, n);
  return out;
}
