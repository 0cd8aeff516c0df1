/**
 * Our kernels (kernelsWat.ts: the GEMV, the momentum step, the 2×2 max pool's gradient, ReLU's gradient;
 * kernelsWatSparse.ts: the sparse weight gradient) instantiated against the WASM
 * backend's own memory, so they read tensors where TF.js keeps them. Null where they cannot run —
 * a build or browser without SIMD, or a backend whose memory we cannot reach — and the stock
 * kernels are used instead.
 */
import { KERNELS_WASM } from './kernelsBinary';
import { startHelpers } from './pool';
import { dispose, type Info } from './util';

/** gemv(x, w, y, m, k, n): byte addresses in the backend's memory; see kernelsWat.ts. */
export type Gemv = (x: number, w: number, y: number, m: number, k: number, n: number) => void;
/** gemvrows(x, w, y, m, k, n, idx, count): gemv over the rows of W listed in idx; see kernelsWat.ts. */
export type GemvRows = (x: number, w: number, y: number, m: number, k: number, n: number, idx: number, count: number) => void;
/** momentum(v, a, g, vOut, aOut, len, m, c): byte addresses, len floats; see kernelsWat.ts. */
export type Momentum = (v: number, a: number, g: number, vOut: number, aOut: number, len: number, m: number, c: number) => void;
/** maxpool2grad(x, y, dy, dx, batch, h, w, c): byte addresses; see kernelsWat.ts. */
export type MaxPool2Grad = (x: number, y: number, dy: number, dx: number, batch: number, h: number, w: number, c: number) => void;
/** relugrad(x, dy, dx, len): byte addresses, len floats; see kernelsWat.ts. */
export type ReluGrad = (x: number, dy: number, dx: number, len: number) => void;
/** spmm(ptr, ent, bp, out, n, m, r0, r1, rblock): rows [r0, r1) of Sᵀ·B; pack32(b, m, n, out): B packed for it; see kernelsWatSparse.ts. */
export type Spmm = (ptr: number, ent: number, bp: number, out: number, n: number, m: number, r0: number, r1: number, rblock: number) => void;
export type Pack32 = (b: number, m: number, n: number, out: number) => void;
/** csrcols(x, m, k, ptr, ent, cur, max): spmm's entries for x by columns, or only their count above max; see kernelsWatSparse.ts. */
export type CsrCols = (x: number, m: number, k: number, ptr: number, ent: number, cur: number, max: number) => number;
interface Kernels {
  gemv: Gemv;
  spmm: Spmm;
  pack32: Pack32;
  csrcols: CsrCols;
  gemvrows: GemvRows;
  momentum: Momentum;
  maxpool2grad: MaxPool2Grad;
  relugrad: ReluGrad;
}

interface WasmModule {
  wasmMemory?: WebAssembly.Memory;
  asm?: { memory?: WebAssembly.Memory };
}

const cache = new WeakMap<WebAssembly.Memory, Kernels | null>();

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

const modules = new Map<boolean, WebAssembly.Module>();

/** Our kernel module, compiled once, for shared (threaded build) or own memory. */
function moduleFor(memory: WebAssembly.Memory): WebAssembly.Module {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  let m = modules.get(shared);
  if (!m) modules.set(shared, (m = new WebAssembly.Module(bytes(shared ? KERNELS_WASM.shared : KERNELS_WASM.own))));
  return m;
}

/** The kernels split across helper threads (pool.ts). */
export const SPLIT_KERNELS = ['spmm', 'momentum'];

/**
 * Starts `count` helper threads for our kernels over this backend's memory (none where the
 * kernels cannot run here or the memory is not shared); resolves with how many started.
 */
export async function startKernelHelpers(backend: unknown, count: number): Promise<number> {
  const memory = backendMemory(backend);
  if (!memory || !kernelsFor(backend)) return 0;
  return startHelpers(count, memory, moduleFor(memory), SPLIT_KERNELS);
}

function kernelsFor(backend: unknown): Kernels | null {
  const memory = backendMemory(backend);
  if (!memory) return null;
  if (cache.has(memory)) return cache.get(memory)!;
  let k: Kernels | null = null;
  try {
    const inst = new WebAssembly.Instance(moduleFor(memory), { env: { memory } });
    k = { gemv: inst.exports.gemv as Gemv, gemvrows: inst.exports.gemvrows as GemvRows, momentum: inst.exports.momentum as Momentum, maxpool2grad: inst.exports.maxpool2grad as MaxPool2Grad, relugrad: inst.exports.relugrad as ReluGrad, spmm: inst.exports.spmm as Spmm, pack32: inst.exports.pack32 as Pack32, csrcols: inst.exports.csrcols as CsrCols };
  } catch {
    k = null; // no SIMD128 or bulk memory here: the stock kernels it is
  }
  cache.set(memory, k);
  return k;
}

export const gemvFor = (backend: unknown): Gemv | null => kernelsFor(backend)?.gemv ?? null;
export const momentumFor = (backend: unknown): Momentum | null => kernelsFor(backend)?.momentum ?? null;
export const maxPool2GradFor = (backend: unknown): MaxPool2Grad | null => kernelsFor(backend)?.maxpool2grad ?? null;
/** The sparse weight gradient's kernels (sparse.ts). */
export const sparseKernelsFor = (backend: unknown): Pick<Kernels, 'spmm' | 'pack32' | 'csrcols'> | null => kernelsFor(backend);
export const reluGradFor = (backend: unknown): ReluGrad | null => kernelsFor(backend)?.relugrad ?? null;

/** A new float32 tensor of `shape` in the backend's memory, for a kernel of ours to write. */
export function floatOutput(backend: unknown, shape: number[]): Info {
  return (backend as { makeOutput(shape: number[], dtype: 'float32'): Info }).makeOutput(shape, 'float32');
}

/** A tensor's byte address in the backend's memory. */
export function address(backend: unknown, dataId: unknown): number {
  return (backend as { dataIdMap: { get(id: unknown): { memoryOffset: number } } }).dataIdMap.get(dataId).memoryOffset;
}

/**
 * x·W by our GEMV (x m×k, W k×n, row-major float32) as a new tensor of `shape` (m·n values); null
 * where it cannot run here (no kernel, another dtype, n not a multiple of 4): the caller's stock path then.
 */
export function gemvProduct(backend: unknown, x: Info, w: Info, m: number, k: number, n: number, shape: number[]): Info | null {
  if (n % 4 !== 0 || x.dtype !== 'float32' || w.dtype !== 'float32') return null;
  const kernels = kernelsFor(backend);
  if (!kernels) return null;
  const out = floatOutput(backend, shape);
  const [xa, wa, ya] = [address(backend, x.dataId), address(backend, w.dataId), address(backend, out.dataId)];
  const rows = rowsNeeded(new Float32Array(backendMemory(backend)!.buffer, xa, m * k), m, k);
  if (!rows) kernels.gemv(xa, wa, ya, m, k, n);
  else if (rows.length === 0) kernels.gemvrows(xa, wa, ya, m, k, n, 0, 0); // x is all zeros: y = 0
  else {
    const list = (backend as { makeOutput(shape: number[], dtype: 'int32'): Info }).makeOutput([rows.length], 'int32');
    try {
      const la = address(backend, list.dataId);
      new Int32Array(backendMemory(backend)!.buffer, la, rows.length).set(rows);
      kernels.gemvrows(xa, wa, ya, m, k, n, la, rows.length);
    } finally {
      dispose(backend, list);
    }
  }
  return out;
}

/** Below this share of W's rows in use, gemvrows reads only those (the list costs a pass over x). */
export const SPARSE_ROWS = 7 / 8;

/**
 * The rows of W a product x·W needs — those where some row of x (m×k) is not zero — when they
 * are fewer than SPARSE_ROWS of k; null otherwise. (A skipped row's 0·∞ is not NaN as in the dense
 * product; weights that hold ∞ are broken anyway.)
 */
export function rowsNeeded(x: Float32Array, m: number, k: number): Int32Array | null {
  const keep = new Int32Array(k);
  let count = 0;
  for (let i = 0; i < k; i++) {
    let r = 0;
    while (r < m && x[r * k + i] === 0) r++;
    if (r < m) keep[count++] = i;
  }
  return count >= SPARSE_ROWS * k ? null : keep.subarray(0, count);
}
