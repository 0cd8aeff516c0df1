/**
 * A big dense layer's weight gradient aᵀ·b on a mostly-zero a, by our spmm kernel (kernelsWat.ts)
 * on every kernel thread (pool.ts). A new fc7 kept as [units, in] gets dyᵀ·x, and dy comes
 * through fc7's ReLU: about half of it is zero, and those products are skipped. (Its input x is
 * not sparse: the head trains on standardised features, and dropout leaves half of them.)
 */
import { address, backendMemory, floatOutput, sparseKernelsFor } from './gemv';
import { kernelThreads, split } from './pool';
import { dispose, type Info } from './util';

/**
 * Up to this share of non-zeros in a, the product runs sparse (else XNNPACK's dense one). Measured
 * on two threads, 128×4096 by 128×4096: ours 57–88 ms at 50 %, XNNPACK 96–106 ms at any density.
 */
export const SPARSE_MAX_DENSITY = 0.6;

let runs = 0;

/** How many products ran sparse so far (for tests: which path a product took). */
export function sparseRuns(): number {
  return runs;
}

/** Output rows written per pass over b's column blocks (16 × 4096 floats: 256 KB, in cache). */
const ROW_BLOCK = 16;

/**
 * aᵀ·b (a m×k, b m×n, float32) as a new float32 tensor of `shape` (k·n values); null where spmm
 * cannot run here (no kernel, n not a multiple of 4, another dtype) or where more than
 * SPARSE_MAX_DENSITY of a is not zero. Products with a zero of a are skipped, so an ∞ or NaN in b
 * there does not make NaN as in the dense product (weights or gradients that hold them are
 * broken anyway).
 */
export function sparseWeightGradient(backend: unknown, a: Info, b: Info, m: number, k: number, n: number, shape: number[]): Info | null {
  const kernels = sparseKernelsFor(backend);
  if (!kernels || n % 4 !== 0 || a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  // One int32 buffer: b packed (blocks of 32 columns, then of 4, each block's rows 32 ints apart),
  // the entries (room for all of a, 2 ints each), the column starts (k + 1), csrcols' cursors (k).
  const packedInts = 32 * m * (Math.floor(n / 32) + ((n % 32) >> 2));
  const buf = (backend as { makeOutput(shape: number[], dtype: 'int32'): Info }).makeOutput([packedInts + 2 * m * k + 2 * k + 1], 'int32');
  try {
    const base = address(backend, buf.dataId);
    const ent = base + 4 * packedInts;
    const ptr = ent + 8 * m * k;
    const max = Math.floor(SPARSE_MAX_DENSITY * m * k);
    if (kernels.csrcols(address(backend, a.dataId), m, k, ptr, ent, ptr + 4 * (k + 1), max) > max) return null;
    const out = floatOutput(backend, shape);
    // Addresses after the output exists (making it may grow the memory; offsets stay valid).
    const oa = address(backend, out.dataId);
    kernels.pack32(address(backend, b.dataId), m, n, base);
    // The threads take whole blocks of output rows.
    const per = Math.ceil(k / kernelThreads() / ROW_BLOCK) * ROW_BLOCK;
    const parts: number[][] = [];
    for (let r0 = 0; r0 < k; r0 += per) parts.push([ptr, ent, base, oa, n, m, r0, Math.min(k, r0 + per), ROW_BLOCK]);
    try {
      split('spmm', backendMemory(backend)!, parts, (p) => kernels.spmm(...(p as Parameters<typeof kernels.spmm>)));
    } catch (e) {
      dispose(backend, out);
      throw e;
    }
    runs++;
    return out;
  } finally {
    dispose(backend, buf);
  }
}
