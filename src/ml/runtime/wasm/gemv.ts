/**
 * Our GEMV kernel (gemvWat.ts) instantiated against the WASM backend's own memory, so it reads
 * the weights where TF.js keeps them. Null where it cannot run — a build or browser without
 * SIMD, or a backend whose memory we cannot reach — and the stock kernel is used instead.
 */
import { GEMV_WASM } from './gemvBinary';

/** gemv(x, w, y, m, k, n): byte addresses in the backend's memory; see gemvWat.ts. */
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
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes(shared ? GEMV_WASM.shared : GEMV_WASM.own)), { env: { memory } });
    fn = inst.exports.gemv as Gemv;
  } catch {
    fn = null; // no SIMD128 or bulk memory here: the stock kernel it is
  }
  cache.set(memory, fn);
  return fn;
}

/** A tensor's byte address in the backend's memory. */
export function address(backend: unknown, dataId: unknown): number {
  return (backend as { dataIdMap: { get(id: unknown): { memoryOffset: number } } }).dataIdMap.get(dataId).memoryOffset;
}
