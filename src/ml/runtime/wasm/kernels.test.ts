import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelsBinarySource } from '../../../../scripts/lib/assembleKernels';
import { tfReady } from '../../../../test/tfSetup';
import { inputGradientsOnly } from './gradientMode';
import { GEMV_MAX_ROWS } from './batchMatMul';
import { flippedFilterKept, setFlipCaching } from './conv2dBackpropInput';
import { gemvFor, rowsNeeded, SPARSE_ROWS } from './gemv';
import { registeredWasmKernels, WASM_KERNEL_PATCHES } from './register';

beforeAll(tfReady);

/** run() on WASM (ours) and on the CPU kernels (the reference), back on WASM afterwards. */
async function wasmAndCpu<T>(run: () => T): Promise<[T, T]> {
  const ours = run();
  await tf.setBackend('cpu');
  const ref = run();
  await tf.setBackend('wasm');
  return [ours, ref];
}

/** Filter gradient computed on the CPU backend (the reference kernel) vs ours on WASM. */
async function compare(xShape: [number, number, number, number], fShape: [number, number, number, number], strides: number, pad: 'same' | 'valid') {
  const x = tf.randomNormal(xShape, 0, 1, 'float32', 1).arraySync();
  const f = tf.randomNormal(fShape, 0, 1, 'float32', 2).arraySync();
  const run = () =>
    tf.tidy(() => {
      const g = tf.grad((w: tf.Tensor) => tf.conv2d(tf.tensor4d(x as number[][][][]), w as tf.Tensor4D, strides, pad).square().sum())(tf.tensor4d(f as number[][][][]));
      return Array.from(g.dataSync());
    });
  expect(tf.getBackend()).toBe('wasm');
  const [ours, ref] = await wasmAndCpu(run);
  expect(ours.length).toBe(ref.length);
  const scale = Math.max(...ref.map(Math.abs));
  ours.forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThan(1e-4 * scale));
}

/** Input gradient on the CPU backend (reference) vs WASM with our stride-1 kernel. */
async function compareInput(xShape: [number, number, number, number], fShape: [number, number, number, number], strides: number, pad: 'same' | 'valid') {
  const x = tf.randomNormal(xShape, 0, 1, 'float32', 5).arraySync();
  const f = tf.randomNormal(fShape, 0, 1, 'float32', 6).arraySync();
  const run = () =>
    tf.tidy(() => {
      const w = tf.tensor4d(f as number[][][][]);
      const g = tf.grad((a: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, w, strides, pad).square().sum())(tf.tensor4d(x as number[][][][]));
      return Array.from(g.dataSync());
    });
  const [ours, ref] = await wasmAndCpu(run);
  const scale = Math.max(...ref.map(Math.abs));
  ours.forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThan(1e-4 * scale));
}

describe('WASM Conv2DBackpropInput (stride 1 as a forward conv)', () => {
  it('matches the CPU kernel: 3×3 same', () => compareInput([2, 9, 7, 3], [3, 3, 3, 4], 1, 'same'));
  it('matches the CPU kernel: 5×5 valid', () => compareInput([1, 10, 8, 2], [5, 5, 2, 3], 1, 'valid'));
  it('matches the CPU kernel: 1×1 and 2×4 kernels', async () => {
    await compareInput([1, 6, 6, 4], [1, 1, 4, 5], 1, 'same');
    await compareInput([1, 7, 9, 2], [2, 4, 2, 3], 1, 'same');
  });
  it('keeps a flipped filter from its first pass on (app), or from its second (a one-map CLI run holds none)', () => {
    const x = tf.randomNormal([1, 6, 6, 4], 0, 1, 'float32', 8) as tf.Tensor4D;
    const weights: tf.Tensor[] = [x];
    const passes = (seed: number) => {
      const w = tf.randomNormal([3, 3, 4, 5], 0, 1, 'float32', seed) as tf.Tensor4D;
      weights.push(w);
      const pass = () => tf.tidy(() => Array.from(tf.grad((a: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, w, 1, 'same').square().sum())(x).dataSync()));
      const kept = [flippedFilterKept(w)];
      const out = [pass()];
      kept.push(flippedFilterKept(w));
      out.push(pass());
      kept.push(flippedFilterKept(w));
      expect(out[1]).toEqual(out[0]);
      return kept;
    };
    expect(passes(7)).toEqual([false, true, true]);
    setFlipCaching('from-second-use');
    try {
      expect(passes(17)).toEqual([false, false, true]);
    } finally {
      setFlipCaching('always');
    }
    tf.dispose(weights);
  });
  it('falls back to the stock kernel for stride 2 (still correct)', () => compareInput([1, 11, 10, 3], [3, 3, 3, 2], 2, 'same'));
});

describe('WASM kernel patches', () => {
  it('each patch is the kernel TF.js runs on wasm after backend init', () => {
    const names = WASM_KERNEL_PATCHES.map((p) => p.kernelName).sort();
    // The list itself is guarded: a patch dropped from it must fail here, not go unnoticed.
    expect(names).toEqual(['BatchMatMul', 'Cast', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'Identity', 'MaxPoolGrad', 'PadV2', '_FusedMatMul']);
    for (const name of names) {
      const ours = registeredWasmKernels().get(name);
      expect(ours, `${name} was never registered`).toBeTypeOf('function');
      expect(tf.getKernel(name, 'wasm')?.kernelFunc, `${name} on wasm is not ours`).toBe(ours);
    }
  });
  it('inputGradientsOnly refuses an async function (the switch must not span an await)', () => {
    expect(() => inputGradientsOnly(async () => 1)).toThrow(/synchronous/);
    // and the switch is off again afterwards: filter gradients are real
    const g = tf.tidy(() => tf.grad((w: tf.Tensor) => tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, w as tf.Tensor4D, 1, 'same').sum())(tf.ones([3, 3, 1, 1])).dataSync());
    expect(Array.from(g).some((v) => v !== 0)).toBe(true);
  });
});

describe('WASM Conv2DBackpropFilter, and weight gradients skipped for saliency', () => {
  it('matches the CPU kernel: stride 1, same padding', () => compare([2, 9, 7, 3], [3, 3, 3, 4], 1, 'same'));
  it('matches the CPU kernel: stride 2, valid, with a leftover row (floor)', () => compare([1, 12, 11, 2], [3, 3, 2, 5], 2, 'valid'));
  it('matches the CPU kernel: AlexNet-like 11×11 stride 4', () => compare([1, 31, 31, 3], [11, 11, 3, 2], 4, 'valid'));
  it('returns zeros inside inputGradientsOnly, and the input gradient is unchanged', () => {
    const x = tf.randomNormal([1, 6, 6, 2], 0, 1, 'float32', 3) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 2, 2], 0, 1, 'float32', 4) as tf.Tensor4D;
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same').square().sum() as tf.Scalar;
    const full = tf.grads(f)([x, w]);
    const fast = inputGradientsOnly(() => tf.grads(f)([x, w]));
    expect(Array.from(fast[1]!.dataSync()).every((v) => v === 0)).toBe(true);
    expect(Array.from(fast[0]!.dataSync())).toEqual(Array.from(full[0]!.dataSync()));
    tf.dispose([x, w, ...full, ...fast]);
  });
  it('a fused linear dense layer (VGG16’s fc8): its weight gradient is zeros inside inputGradientsOnly, real outside; the input gradient is the same', () => {
    const x = tf.randomNormal([1, 40], 0, 1, 'float32', 7) as tf.Tensor2D;
    const w = tf.randomNormal([40, 30], 0, 1, 'float32', 8) as tf.Tensor2D;
    const b = tf.randomNormal([30], 0, 1, 'float32', 9) as tf.Tensor1D;
    const f = (a: tf.Tensor, m: tf.Tensor) => tf.fused.matMul({ a: a as tf.Tensor2D, b: m as tf.Tensor2D, bias: b }).square().sum() as tf.Scalar;
    const full = tf.grads(f)([x, w]);
    const fast = inputGradientsOnly(() => tf.grads(f)([x, w]));
    expect(fast[1]!.shape).toEqual([40, 30]);
    expect(Array.from(fast[1]!.dataSync()).every((v) => v === 0)).toBe(true);
    expect(Array.from(full[1]!.dataSync()).some((v) => v !== 0)).toBe(true);
    expect(Array.from(fast[0]!.dataSync())).toEqual(Array.from(full[0]!.dataSync()));
    const before = tf.memory().numTensors;
    tf.dispose(inputGradientsOnly(() => tf.grads(f)([x, w])));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, b, ...full, ...fast]);
  });
  it('leaks no tensors', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      tf.grad((w: tf.Tensor) => tf.conv2d(tf.ones([1, 5, 5, 1]) as tf.Tensor4D, w as tf.Tensor4D, 1, 'same').sum())(tf.ones([3, 3, 1, 1]));
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('WASM Identity and same-dtype Cast', () => {
  it('aliases instead of copying, and disposing either side keeps the other intact', () => {
    const a = tf.tensor1d([1, 2, 3]);
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const before = backend.numDataIds();
    const b = tf.clone(a);
    expect(backend.numDataIds()).toBe(before); // no new buffer in the WASM heap
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3]);
    b.dispose();
  });
  it('Cast to the same dtype aliases too; a real cast still converts', () => {
    const a = tf.tensor1d([1.5, -2, 0]);
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const before = backend.numDataIds();
    const same = tf.cast(a, 'float32');
    expect(backend.numDataIds()).toBe(before);
    const i = tf.cast(a, 'int32');
    a.dispose();
    expect(Array.from(same.dataSync())).toEqual([1.5, -2, 0]);
    expect([i.dtype, ...i.dataSync()]).toEqual(['int32', 1, -2, 0]);
    tf.dispose([same, i]);
  });
});


/** tf.matMul(a, b, transposeA, transposeB) of random [ra, ca] and [rb, cb] (rank 3 with a batch of 1 if asked) on WASM and CPU. */
async function compareProduct(aShape: [number, number], bShape: [number, number], transposeA: boolean, transposeB: boolean, rank3: boolean) {
  const a = tf.randomNormal(aShape, 0, 1, 'float32', 31).dataSync();
  const b = tf.randomNormal(bShape, 0, 1, 'float32', 32).dataSync();
  const run = () =>
    tf.tidy(() => {
      const shape = ([r, c]: [number, number]) => (rank3 ? [1, r, c] : [r, c]);
      const out = tf.matMul(tf.tensor<tf.Rank>(a, shape(aShape)), tf.tensor<tf.Rank>(b, shape(bShape)), transposeA, transposeB);
      return { shape: out.shape, v: Array.from(out.dataSync()) };
    });
  const [ours, ref] = await wasmAndCpu(run);
  expect(ours.shape).toEqual(ref.shape);
  const scale = ref.v.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  ours.v.forEach((v, i) => expect(Math.abs(v - ref.v[i]!)).toBeLessThan(1e-5 * scale));
}

describe('WASM dense layers with big weights (one packed copy; dy·Wᵀ as (W·dyᵀ)ᵀ)', () => {
  /** A dense layer + ReLU, its output and its input gradient, on CPU (reference) and WASM. */
  async function dense(rows: number) {
    const [k, n] = [1100, 1000]; // 1.1 M weights: above the big-weights threshold
    const x = tf.randomNormal([rows, k], 0, 1, 'float32', 11).arraySync();
    const w = tf.randomNormal([k, n], 0, 0.05, 'float32', 12).arraySync();
    const bias = tf.randomNormal([n], 0, 0.1, 'float32', 13).arraySync();
    const run = () =>
      tf.tidy(() => {
        const W = tf.tensor2d(w as number[][]);
        const B = tf.tensor1d(bias as number[]);
        const f = (a: tf.Tensor) => tf.fused.matMul({ a: a as tf.Tensor2D, b: W, bias: B, activation: 'relu' });
        const X = tf.tensor2d(x as number[][]);
        const y = Array.from(f(X).dataSync()); // fused (no gradient)
        const g = Array.from(tf.grad((a: tf.Tensor) => f(a).square().sum())(X).dataSync()); // unfused + dy·Wᵀ
        const fw = (m: tf.Tensor) => tf.fused.matMul({ a: X, b: m as tf.Tensor2D, bias: B, activation: 'relu' });
        const gw = Array.from(tf.grad((m: tf.Tensor) => fw(m).square().sum())(W).dataSync()); // xᵀ·dy
        return { y, g, gw };
      });
    expect(tf.getBackend()).toBe('wasm');
    const [ours, ref] = await wasmAndCpu(run);
    for (const key of ['y', 'g', 'gw'] as const) {
      const scale = ref[key].reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(ours[key].length).toBe(ref[key].length);
      ours[key].forEach((v, i) => expect(Math.abs(v - ref[key][i]!)).toBeLessThan(1e-4 * scale));
    }
  }
  it('one row (saliency)', () => dense(1));
  it('several rows (batched SmoothGrad)', () => dense(5));
  it('a training batch (weight gradient xᵀ·dy)', () => dense(128));
  it('a head layer kept as [units, in]: x·Wᵀ and its gradients for 72 rows (more than the old cap of 64)', async () => {
    const [rows, k, n] = [72, 1100, 1000];
    const x = tf.randomNormal([rows, k], 0, 1, 'float32', 21).arraySync();
    const w = tf.randomNormal([n, k], 0, 0.05, 'float32', 22).arraySync();
    const run = () =>
      tf.tidy(() => {
        const X = tf.tensor2d(x as number[][]);
        const W = tf.tensor2d(w as number[][]);
        const f = (a: tf.Tensor, m: tf.Tensor) => tf.matMul(a, m, false, true).relu().square().sum();
        const [gx, gw] = tf.grads(f)([X, W]);
        return { y: Array.from(tf.matMul(X, W, false, true).dataSync()), gx: Array.from(gx!.dataSync()), gw: Array.from(gw!.dataSync()) };
      });
    const [ours, ref] = await wasmAndCpu(run);
    for (const key of ['y', 'gx', 'gw'] as const) {
      const scale = ref[key].reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(ours[key].length).toBe(ref[key].length);
      ours[key].forEach((v, i) => expect(Math.abs(v - ref[key][i]!)).toBeLessThan(1e-4 * scale));
    }
  });
});

describe('WASM dy·Wᵀ with a narrow W (a head’s last layer: 128×7 by 4096×7) through Wᵀ', () => {
  const compareNarrow = (rows: number, k: number, n: number, rank3: boolean) => compareProduct([rows, k], [n, k], false, true, rank3);
  it('matches the CPU kernel, rank 2 and rank 3', async () => {
    await compareNarrow(128, 7, 4096, false);
    await compareNarrow(5, 10, 100, true);
  });
  it('leaves no tensors', () => {
    const [a, b] = [tf.ones([128, 7]), tf.ones([4096, 7])];
    const before = tf.memory().numTensors;
    const ids = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    tf.matMul(a, b, false, true).dispose();
    expect([tf.memory().numTensors, (tf.backend() as unknown as { numDataIds(): number }).numDataIds()]).toEqual([before, ids]);
    tf.dispose([a, b]);
  });
});

describe('WASM GEMV: a few rows times a big W, reading W where it is', () => {
  /** x·W on WASM (ours) and on the CPU backend (reference). */
  async function compareMatMul(rows: number, k: number, n: number) {
    const x = tf.randomNormal([rows, k], 0, 1, 'float32', 21).dataSync();
    const w = tf.randomNormal([k, n], 0, 0.05, 'float32', 22).dataSync();
    const run = () => tf.tidy(() => Array.from(tf.matMul(tf.tensor2d(x, [rows, k]), tf.tensor2d(w, [k, n])).dataSync()));
    const [ours, ref] = await wasmAndCpu(run);
    const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(ours.length).toBe(rows * n);
    ours.forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThan(1e-5 * scale));
  }
  it('instantiates against the backend memory here', () => expect(gemvFor(tf.backend())).toBeTypeOf('function'));
  it('one row; rows of W left over after the blocks of four (k mod 4 = 3)', () => compareMatMul(1, 1103, 1004));
  it('up to GEMV_MAX_ROWS rows, rank-3 operands', async () => {
    await compareMatMul(GEMV_MAX_ROWS, 1024, 1028);
    const out = tf.tidy(() => tf.matMul(tf.ones([1, 2, 1024]), tf.ones([1, 1024, 1024])));
    expect(out.shape).toEqual([1, 2, 1024]);
    expect(out.dataSync()[5]).toBe(1024);
    out.dispose();
  });
  it('a width that is not a multiple of 4 takes the stock kernel (still correct)', () => compareMatMul(1, 1100, 1001));
  it('lists the rows of W in use (some row of x not zero), only when under SPARSE_ROWS of them', () => {
    const x = Float32Array.from([0, 1, 0, -0, 0, NaN, 0, 0, /* row 2 */ 0, 0, 0, 0, 2, 0, 0, 0]);
    expect(Array.from(rowsNeeded(x, 2, 8)!)).toEqual([1, 4, 5]);
    expect(Array.from(rowsNeeded(new Float32Array(8), 1, 8)!)).toEqual([]);
    const dense = Float32Array.from({ length: 16 }, (_, i) => (i === 3 ? 0 : 1)); // 15 of 16 in use
    expect(15 / 16).toBeGreaterThanOrEqual(SPARSE_ROWS);
    expect(rowsNeeded(dense, 1, 16)).toBeNull();
  });
  /** x·W with a ReLU'd x (a share of zeros, the same columns zero in every row or not) on WASM and CPU. */
  async function compareSparse(rows: number, k: number, n: number, zeros: number, sameColumns: boolean) {
    const raw = tf.randomNormal([rows, k], 0, 1, 'float32', 24).dataSync() as Float32Array;
    const x = raw.map((v, i) => ((((sameColumns ? i % k : i) * 2654435761) >>> 0) % 1000 < zeros * 1000 ? 0 : Math.abs(v)));
    const w = tf.randomNormal([k, n], 0, 0.05, 'float32', 25).dataSync();
    const run = () => tf.tidy(() => Array.from(tf.matMul(tf.tensor2d(x, [rows, k]), tf.tensor2d(w, [k, n])).dataSync()));
    const [ours, ref] = await wasmAndCpu(run);
    const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-30);
    expect(ours.length).toBe(rows * n);
    ours.forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThan(1e-5 * scale));
    return rowsNeeded(x, rows, k);
  }
  it('reads only the rows of W that x uses (gemvrows): one row, 40 % zeros, listed rows left over after the blocks of four', async () => {
    const list = await compareSparse(1, 1103, 1004, 0.4, true);
    expect(list!.length % 4).not.toBe(0);
  });
  it('gemvrows with several rows of x: a row of W is read when any row of x uses it', async () => {
    expect(await compareSparse(GEMV_MAX_ROWS, 1024, 1028, 0.6, true)).not.toBeNull();
    expect(await compareSparse(3, 1024, 1028, 0.7, false)).not.toBeNull(); // 0.7³ of the rows skipped
  });
  it('an x of zeros gives zeros, and no tensors are left', () => {
    const w = tf.randomNormal([1200, 1000], 0, 1, 'float32', 26);
    const x = tf.zeros([1, 1200]);
    const before = tf.memory().numTensors;
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const ids = backend.numDataIds();
    const y = tf.matMul(x, w);
    expect(Array.from(y.dataSync()).every((v) => v === 0)).toBe(true);
    y.dispose();
    expect([tf.memory().numTensors, backend.numDataIds()]).toEqual([before, ids]); // the row list is freed too
    tf.dispose([w, x]);
  });
  it('keeps no second copy of W: the heap does not grow, where XNNPACK (more rows) packs one', () => {
    const heap = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength;
    const w = tf.randomNormal([6000, 4000], 0, 1, 'float32', 23); // 96 MB
    const x1 = tf.ones([1, 6000]);
    const x8 = tf.ones([GEMV_MAX_ROWS + 1, 6000]);
    const before = heap();
    tf.matMul(x1, w).dispose();
    const afterGemv = heap();
    tf.matMul(x8, w).dispose();
    const afterStock = heap();
    tf.dispose([w, x1, x8]);
    expect(afterGemv - before).toBeLessThan(8e6);
    expect(afterStock - afterGemv).toBeGreaterThan(90e6); // the measure can see a packed copy
  });
});

describe('kernelsBinary.ts', () => {
  it('is what npm run gen:kernels assembles from kernelsWat.ts (not stale)', async () => {
    expect(readFileSync(join(import.meta.dirname, 'kernelsBinary.ts'), 'utf8')).toBe(await kernelsBinarySource());
  });
});

describe('WASM xᵀ·dy with a narrow dy (a new head’s weight gradient) as (dyᵀ·x)ᵀ, by our GEMV', () => {
  const compareTa = (rows: number, k: number, n: number, rank3: boolean) => compareProduct([rows, k], [rows, n], true, false, rank3);
  it('matches the CPU kernel: 128×1000 by 128×7', () => compareTa(128, 1000, 7, false));
  it('matches the CPU kernel: rank 3, 33×40 by 33×10', () => compareTa(33, 40, 10, true));
  it('a width of x that is not a multiple of 4 (no GEMV: XNNPACK the other way round): 64×1002 by 64×7', () => compareTa(64, 1002, 7, false));
  it('and where dy is not narrow (the transpose-x path): 20×30 by 20×25', () => compareTa(20, 30, 25, false));
});

describe('WASM MaxPoolGrad, 2×2 stride 2 valid, by our kernel', () => {
  /** The input gradient of sum(maxPool(x) · r), on WASM and on the CPU kernel. */
  async function compare(shape: [number, number, number, number], filter: number, stride: number, pad: 'valid' | 'same', ties: boolean) {
    const n = shape.reduce((a, b) => a * b, 1);
    // Small integers make ties (two equal maxima in a window) common: the first one takes the gradient.
    const x = Array.from({ length: n }, (_, i) => (ties ? ((i * 7919) % 5) - 1 : Math.sin(i * 1.3) * 10));
    const run = () =>
      tf.tidy(() => {
        const X = tf.tensor4d(x, shape);
        const pooled = tf.maxPool(X, filter, stride, pad);
        const r = tf.range(1, pooled.size + 1).reshape(pooled.shape);
        return Array.from(tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, filter, stride, pad).mul(r).sum())(X).dataSync());
      });
    const [ours, ref] = await wasmAndCpu(run);
    expect(ours).toEqual(ref);
  }
  it('matches the CPU kernel with ties, odd height and width (a row and a column no window covers), two images', () => compare([2, 9, 7, 8], 2, 2, 'valid', true));
  it('matches the CPU kernel without ties, VGG-like channels', () => compare([1, 16, 16, 64], 2, 2, 'valid', false));
  // Without ties: the stock WASM kernel gives a tied window's gradient to another position than
  // the CPU kernel (and PyTorch, and ours), which take the first.
  it('other pools take the stock kernel (still correct): 3×3 stride 2 (AlexNet), same padding', async () => {
    await compare([1, 13, 13, 8], 3, 2, 'valid', false);
    await compare([1, 8, 8, 8], 2, 2, 'same', false);
  });
  it('leaks no tensors', () => {
    const x = tf.randomNormal([1, 8, 8, 4]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid').sum())(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('WASM ReLU gradient in one pass (our relugrad kernel)', () => {
  // 0, −0, NaN, ±values, and a length that leaves a tail of 3 after the SIMD loop.
  const xs = [0, -0, NaN, 1.5, -2, 3e-39, -3e-39, Infinity, -Infinity, 0.25, -7, 4, 0, NaN, 9];
  const dys = [-1, 2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, -0, 0, -1];

  it('is the stock dy·cast(step(x)) bit for bit (−0 and NaN included), and it is the kernel that ran', async () => {
    const x = tf.tensor1d(xs);
    const dy = tf.tensor1d(dys);
    const ref = Array.from(tf.tidy(() => tf.mul(dy, tf.cast(tf.step(x), 'float32')).dataSync()));
    const info = await tf.profile(() => tf.grad((a: tf.Tensor) => tf.relu(a).mul(dy).sum())(x));
    const names = info.kernels.map((k) => k.name);
    expect(names).toContain('TransferLensReluGrad');
    expect(names).not.toContain('Step');
    const ours = Array.from(tf.tidy(() => tf.grad((a: tf.Tensor) => tf.relu(a).mul(dy).sum())(x).dataSync()));
    ours.forEach((v, i) => expect(Object.is(v, ref[i]), `${i}: ${v} vs ${ref[i]}`).toBe(true));
    tf.dispose([x, dy]);
  });
  it('matches the CPU backend on a VGG-like activation, and leaves no tensors', async () => {
    const x = tf.randomNormal([1, 14, 14, 512], 0, 1, 'float32', 41).dataSync();
    const run = () => tf.tidy(() => Array.from(tf.grad((a: tf.Tensor) => tf.relu(a).square().sum())(tf.tensor(x, [1, 14, 14, 512])).dataSync()));
    const [ours, ref] = await wasmAndCpu(run);
    expect(ours).toEqual(ref);
    const t = tf.tensor(x);
    const before = tf.memory().numTensors;
    tf.grad((a: tf.Tensor) => tf.relu(a).sum())(t).dispose();
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });
  it('a second derivative (an outer tf.grad) takes the stock ops and still works', async () => {
    const run = () => tf.tidy(() => Array.from(tf.grad((a: tf.Tensor) => tf.grad((b: tf.Tensor) => tf.relu(b).square().sum())(a).sum())(tf.tensor1d(xs.filter((v) => !Number.isNaN(v)))).dataSync()));
    const [ours, ref] = await wasmAndCpu(run);
    expect(ours).toEqual(ref);
  });
});

describe('WASM PadV2 with zeros in height and width (ZeroPadding2D) by a fill and row copies', () => {
  async function compare(shape: number[], paddings: [number, number][], value = 0, dtype: 'float32' | 'int32' = 'float32') {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = Array.from({ length: n }, (_, i) => ((i * 37) % 101) - 50);
    const run = () => tf.tidy(() => {
      const out = tf.pad(tf.tensor(x, shape, dtype), paddings, value);
      return { shape: out.shape, v: Array.from(out.dataSync()) };
    });
    const [ours, ref] = await wasmAndCpu(run);
    expect(ours).toEqual(ref);
  }
  it('matches the CPU kernel: AlexNet conv1_pad on two images, and uneven pads', async () => {
    await compare([2, 9, 7, 3], [[0, 0], [2, 2], [2, 2], [0, 0]]);
    await compare([1, 5, 6, 4], [[0, 0], [0, 3], [1, 0], [0, 0]]);
  });
  it('leaves no tensors', () => {
    const x = tf.ones([1, 4, 4, 3]);
    const before = tf.memory().numTensors;
    tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
  it('other pads take the stock kernel (still correct): channels or batch padded, another value, int32, rank 3', async () => {
    await compare([1, 3, 3, 2], [[0, 0], [1, 1], [1, 1], [1, 0]]);
    await compare([1, 3, 3, 2], [[1, 0], [1, 1], [0, 0], [0, 0]]);
    await compare([1, 3, 3, 2], [[0, 0], [1, 1], [1, 1], [0, 0]], 5);
    await compare([1, 3, 3, 2], [[0, 0], [1, 1], [1, 1], [0, 0]], 0, 'int32');
    await compare([3, 3, 2], [[1, 1], [1, 1], [0, 0]]);
  });
});
