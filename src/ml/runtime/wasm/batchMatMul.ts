/** BatchMatMul for the dense-layer shapes where the stock WASM kernel is slow or packs a second copy of W. */
import * as tf from '@tensorflow/tfjs';
import { gemvProduct } from './gemv';
import { weightGradientsWanted } from './gradientMode';
import { sparseWeightGradient } from './sparse';
import { BIG_WEIGHTS, dispose, kernel, overStock, type Info, type KernelFn, type KernelPatch } from './util';

/** Rows of x up to which x·W with a big W runs our GEMV rather than XNNPACK's packed copy of W. */
export const GEMV_MAX_ROWS = 4;

/**
 * x·W for a few rows of x and a big W (a dense layer's forward pass in a saliency map) with our
 * kernel, which reads W where it is: XNNPACK would keep a packed copy of W for as long as W
 * lives (VGG16: +494 MB of WASM heap, which never shrinks). Null where it does not apply.
 */
function viaGemv(args: Parameters<KernelFn>[0], a: Info, b: Info): Info | null {
  const [rows, k] = a.shape.slice(-2) as [number, number];
  const n = b.shape.at(-1)!;
  if (rows > GEMV_MAX_ROWS || n * k < BIG_WEIGHTS) return null;
  return gemvProduct(args.backend, a, b, rows, k, n, Math.max(a.shape.length, b.shape.length) === 3 ? [1, rows, n] : [rows, n]);
}

/** Inner sizes up to which dy·Wᵀ with a tall, narrow W (a head's last layer) goes through narrowTransposed. */
const NARROW = 64;

/**
 * dy·Wᵀ for a narrow W (n × k, k ≤ NARROW: the input gradient of a head's last layer, 128×7 by
 * 4096×7) as dy·(Wᵀ): the stock kernel took 6.6 ms for these 3.7 MFLOP, each step (a fresh W);
 * transposing the 28 k values first takes 0.8 ms in all.
 */
function narrowTransposed(args: Parameters<KernelFn>[0], b: Info, k: number, n: number, stock: KernelFn): Info {
  const { backend } = args;
  const w2 = kernel('Reshape')({ inputs: { x: b }, backend, attrs: { shape: [n, k] } });
  const wT2 = kernel('Transpose')({ inputs: { x: w2 }, backend, attrs: { perm: [1, 0] } });
  const wT = kernel('Reshape')({ inputs: { x: wT2 }, backend, attrs: { shape: b.shape.length === 3 ? [1, k, n] : [k, n] } });
  const out = stock({ ...args, inputs: { ...args.inputs, b: wT }, attrs: { ...args.attrs, transposeB: false } });
  dispose(backend, w2, wT2, wT);
  return out;
}

/**
 * x·Wᵀ with a large W — a dense layer's input gradient (dy·Wᵀ), or the forward pass of a head
 * layer kept as [units, in] — computed as (W·xᵀ)ᵀ. The stock kernel hands Wᵀ to XNNPACK as the weights operand, which packs a
 * second copy of W (VGG16's fc6: +411 MB of WASM heap, which never shrinks); as the left
 * operand W is read where it is. Same products, summed in the same order.
 */
function makeBatchMatMul(stock: KernelFn): KernelFn {
  return (args) => {
    const { a, b } = args.inputs as { a: Info; b: Info };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    // tf.matMul hands the kernel rank-3 tensors: [batch, rows, k] and [batch, n, k] (transposed).
    const single = (t: Info) => (t.shape.length === 3 && t.shape[0] === 1) || t.shape.length === 2;
    if (transposeA && !transposeB && !weightGradientsWanted() && a.dtype === 'float32' && b.dtype === 'float32') {
      // xᵀ·dy inside inputGradientsOnly: a weight gradient nobody reads (gradientMode.ts).
      const batch = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
      const shape = [...batch, a.shape.at(-1)!, b.shape.at(-1)!];
      return kernel('Fill')({ inputs: {}, backend: args.backend, attrs: { shape, value: 0, dtype: 'float32' } });
    }
    if (transposeA && !transposeB && single(a) && single(b) && b.shape.at(-1)! * 4 <= a.shape.at(-1)!) {
      // xᵀ·dy with dy much narrower than x (a new head's weight gradient: 128×4096 by 128×7) as
      // (dyᵀ·x)ᵀ: only dy and the 7×4096 product are transposed, and our GEMV reads x where it
      // is (XNNPACK would pack it, a fresh batch each step): 0.5 ms instead of 2.4 here.
      const { backend } = args;
      const [rows, n] = b.shape.slice(-2) as [number, number];
      const m = a.shape.at(-1)!;
      const dy2 = kernel('Reshape')({ inputs: { x: b }, backend, attrs: { shape: [rows, n] } });
      const dyT = kernel('Transpose')({ inputs: { x: dy2 }, backend, attrs: { perm: [1, 0] } });
      const prod = gemvProduct(backend, dyT, a, n, rows, m, [n, m]) ?? makeBatchMatMul(stock)({ ...args, inputs: { a: b, b: a }, attrs: { ...args.attrs, transposeA: true, transposeB: false } }); // [(1,) n, m]
      dispose(backend, dy2, dyT);
      const prod2 = kernel('Reshape')({ inputs: { x: prod }, backend, attrs: { shape: [n, m] } });
      const outT = kernel('Transpose')({ inputs: { x: prod2 }, backend, attrs: { perm: [1, 0] } });
      const rank3 = Math.max(a.shape.length, b.shape.length) === 3;
      const out = kernel('Reshape')({ inputs: { x: outT }, backend, attrs: { shape: rank3 ? [1, m, n] : [m, n] } });
      dispose(backend, prod, prod2, outT);
      return out;
    }
    if (transposeA && single(a) && single(b) && !transposeB && a.shape.at(-1)! * b.shape.at(-1)! >= BIG_WEIGHTS) {
      // aᵀ·b, a big layer's weight gradient (dyᵀ·x for a head layer kept as [units, in]), where a
      // is mostly zeros (dy behind a ReLU: half of it): our sparse kernel, on every thread.
      const [m, k] = a.shape.slice(-2) as [number, number];
      const n = b.shape.at(-1)!;
      const out = sparseWeightGradient(args.backend, a, b, m, k, n, Math.max(a.shape.length, b.shape.length) === 3 ? [1, k, n] : [k, n]);
      if (out) return out;
    }
    if (transposeA && single(a)) {
      // xᵀ·dy (a dense layer's weight gradient): the stock kernel takes a slow scalar loop
      // for a transposed left operand (≈ 4 s for 128×4096 · 128×4096); transposing the
      // small activations first lets XNNPACK do it.
      const [k0, m0] = a.shape.slice(-2) as [number, number];
      const a2 = kernel('Reshape')({ inputs: { x: a }, backend: args.backend, attrs: { shape: [k0, m0] } });
      const aT2 = kernel('Transpose')({ inputs: { x: a2 }, backend: args.backend, attrs: { perm: [1, 0] } });
      const aT = kernel('Reshape')({ inputs: { x: aT2 }, backend: args.backend, attrs: { shape: a.shape.length === 3 ? [1, m0, k0] : [m0, k0] } });
      const out = makeBatchMatMul(stock)({ ...args, inputs: { a: aT, b }, attrs: { ...args.attrs, transposeA: false } });
      dispose(args.backend, a2, aT2, aT);
      return out;
    }
    if (!transposeA && !transposeB && single(a) && single(b)) return viaGemv(args, a, b) ?? stock(args);
    if (transposeA || !transposeB || !single(a) || !single(b)) return stock(args);
    const [rows, k] = a.shape.slice(-2) as [number, number];
    const [n] = b.shape.slice(-2) as [number, number];
    // Any number of rows: a head trained as x·Wᵀ (training/head.ts) passes 128–256; the stock
    // kernel took 1.6 s for 128 × 4096 by 4096 × 4096 (Wᵀ repacked), this 70 ms.
    if (n * k < BIG_WEIGHTS) return k <= NARROW && n >= 4 * k ? narrowTransposed(args, b, k, n, stock) : stock(args);
    const { backend } = args;
    const w = kernel('Reshape')({ inputs: { x: b }, backend, attrs: { shape: [1, n, k] } });
    // xᵀ: a reshape for one row, a (small) transpose otherwise.
    const x2 = kernel('Reshape')({ inputs: { x: a }, backend, attrs: { shape: [rows, k] } });
    const xT2 = rows === 1 ? kernel('Reshape')({ inputs: { x: x2 }, backend, attrs: { shape: [k, 1] } }) : kernel('Transpose')({ inputs: { x: x2 }, backend, attrs: { perm: [1, 0] } });
    const xT = kernel('Reshape')({ inputs: { x: xT2 }, backend, attrs: { shape: [1, k, rows] } });
    const prod = stock({ inputs: { a: w, b: xT }, backend, attrs: { transposeA: false, transposeB: false } }); // [1, n, rows]
    const prod2 = kernel('Reshape')({ inputs: { x: prod }, backend, attrs: { shape: [n, rows] } });
    const outT = rows === 1 ? kernel('Reshape')({ inputs: { x: prod2 }, backend, attrs: { shape: [1, n] } }) : kernel('Transpose')({ inputs: { x: prod2 }, backend, attrs: { perm: [1, 0] } });
    const out = kernel('Reshape')({ inputs: { x: outT }, backend, attrs: { shape: a.shape.length === 3 ? [1, rows, n] : [rows, n] } });
    dispose(backend, w, x2, xT2, xT, prod, prod2, outT);
    return out;
  };
}

export const batchMatMulPatch: KernelPatch = overStock('BatchMatMul', makeBatchMatMul);
