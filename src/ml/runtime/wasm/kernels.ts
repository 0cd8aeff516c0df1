/**
 * Kernels the TF.js WASM backend lacks, built from the kernels it has.
 *
 * Conv2DBackpropFilter: a convolution's filter gradient is itself a convolution —
 * dW[kh,kw,ci,co] = Σ_{n,oy,ox} Xpad[n, oy·s+kh, ox·s+kw, ci] · dy[n, oy, ox, co] —
 * i.e. conv2d(Xᵀ [Ci,H,W,N], dyᵀ [OH,OW,N,Co], dilation = s), which XNNPACK runs fast.
 *
 * Saliency only needs ∂S/∂I, yet TF.js's fused convolution computes the filter
 * gradient eagerly. Inside `inputGradientsOnly` the kernel returns zeros instead,
 * which saves one full convolution per layer per backward pass.
 */
import * as tf from '@tensorflow/tfjs';

type Info = tf.TensorInfo;
type KernelFn = (args: { inputs: Record<string, Info>; backend: unknown; attrs: Record<string, unknown> }) => Info;

let filterGradients = true;

/** Run `fn` with convolution filter gradients skipped (their values are discarded anyway). */
export async function inputGradientsOnly<T>(fn: () => Promise<T>): Promise<T> {
  const prev = filterGradients;
  filterGradients = false;
  try {
    return await fn();
  } finally {
    filterGradients = prev;
  }
}

export function inputGradientsOnlySync<T>(fn: () => T): T {
  const prev = filterGradients;
  filterGradients = false;
  try {
    return fn();
  } finally {
    filterGradients = prev;
  }
}

function kernel(name: string): KernelFn {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`WASM kernel ${name} is missing`);
  return k.kernelFunc as unknown as KernelFn;
}

function dispose(backend: unknown, ...infos: Info[]): void {
  for (const i of infos) (backend as { disposeData(id: unknown): void }).disposeData(i.dataId);
}

const conv2dBackpropFilter: KernelFn = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: Info; dy: Info };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as {
    strides: number | [number, number];
    pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (WASM): NCHW is not supported');
  if (!filterGradients) return kernel('Fill')({ inputs: {}, backend, attrs: { shape: filterShape, value: 0, dtype: 'float32' } });
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const [kh, kw, ci, co] = filterShape;
  const { top, bottom, left, right } = info.padInfo;
  const xt = kernel('Transpose')({ inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } }); // [Ci, H, W, N]
  const dyt = kernel('Transpose')({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } }); // [OH, OW, N, Co]
  const conv = kernel('Conv2D')({
    inputs: { x: xt, filter: dyt },
    backend,
    attrs: {
      strides: [1, 1],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [info.strideHeight, info.strideWidth],
    },
  }); // [Ci, ≥KH, ≥KW, Co]: flooring in the forward pass can leave one extra row/column
  dispose(backend, xt, dyt);
  let cropped = conv;
  if (conv.shape[1] !== kh || conv.shape[2] !== kw) {
    cropped = kernel('Slice')({ inputs: { x: conv }, backend, attrs: { begin: [0, 0, 0, 0], size: [ci, kh, kw, co] } });
    dispose(backend, conv);
  }
  const out = kernel('Transpose')({ inputs: { x: cropped }, backend, attrs: { perm: [1, 2, 0, 3] } });
  dispose(backend, cropped);
  return out;
};

/**
 * Flipped, channel-swapped filters, kept per weight: XNNPACK caches packed weights by
 * their address, so a fresh copy each pass would be repacked each pass. Entries whose
 * weight has been disposed (another model loaded) are dropped on the next call.
 */
const flipCache = new Map<object, Info>();
function flippedFilter(filter: Info, backend: unknown): { info: Info; owned: boolean } {
  const store = (backend as { dataIdMap: { has(id: unknown): boolean } }).dataIdMap;
  for (const [id, info] of flipCache)
    if (!store.has(id)) {
      dispose(backend, info);
      flipCache.delete(id);
    }
  const hit = flipCache.get(filter.dataId);
  if (hit) return { info: hit, owned: false };
  const flipped = kernel('Reverse')({ inputs: { x: filter }, backend, attrs: { dims: [0, 1] } });
  const swapped = kernel('Transpose')({ inputs: { x: flipped }, backend, attrs: { perm: [0, 1, 3, 2] } });
  dispose(backend, flipped);
  if (flipCache.size >= 256) return { info: swapped, owned: true };
  flipCache.set(filter.dataId, swapped);
  return { info: swapped, owned: false };
}

/**
 * Conv2DBackpropInput for stride 1: the input gradient is a "full" correlation of dy
 * with the kernel flipped in space and with in/out channels swapped — a forward conv,
 * which XNNPACK runs several times faster than TF.js's WASM backprop kernel. Other
 * strides use the stock kernel.
 */
function makeConv2dBackpropInput(stock: KernelFn): KernelFn {
  return ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: Info; filter: Info };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as {
      strides: number | [number, number];
      pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
      dataFormat: 'NHWC' | 'NCHW';
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
      inputShape: [number, number, number, number];
    };
    const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
    if (dataFormat === 'NCHW' || sh !== 1 || sw !== 1) return stock({ inputs, backend, attrs });
    const fShape = filter.shape as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo(inputShape, fShape, 1, 1, pad, dimRoundingMode, false, 'channelsLast');
    const [kh, kw] = fShape;
    const [, oh, ow] = dy.shape as number[];
    const [, H, W] = inputShape;
    const pt = kh - 1 - info.padInfo.top;
    const pl = kw - 1 - info.padInfo.left;
    const pb = H - oh! - pt + kh - 1;
    const pr = W - ow! - pl + kw - 1;
    if (pt < 0 || pl < 0 || pb < 0 || pr < 0) return stock({ inputs, backend, attrs });
    const swapped = flippedFilter(filter, backend);
    const out = kernel('Conv2D')({
      inputs: { x: dy, filter: swapped.info },
      backend,
      attrs: { strides: [1, 1], pad: [[0, 0], [pt, pb], [pl, pr], [0, 0]], dataFormat: 'NHWC', dilations: [1, 1] },
    });
    if (swapped.owned) dispose(backend, swapped.info);
    return out;
  };
}

/**
 * Identity that aliases instead of copying, as the CPU and WebGL backends do. The engine
 * clones every tensor it saves for backprop; on WASM each clone copied the data — VGG16's
 * 400 MB fc6 weight on every gradient pass — and the fresh pointer defeated XNNPACK's
 * cache of packed weights, so the weight was repacked too (≈ 1.3 s per pass).
 */
const aliasIdentity: KernelFn = ({ inputs, backend }) => {
  const { x } = inputs as { x: Info };
  (backend as { incRef(id: unknown): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

/**
 * x·Wᵀ with a large W and few rows of x — a dense layer's input gradient (dy·Wᵀ) — computed
 * as (W·xᵀ)ᵀ. The stock kernel hands Wᵀ to XNNPACK as the weights operand, which packs a
 * second copy of W (VGG16's fc6: +411 MB of WASM heap, which never shrinks); as the left
 * operand W is read where it is. Same products, summed in the same order.
 */
const BIG_WEIGHTS = 1 << 20;
function makeBatchMatMul(stock: KernelFn): KernelFn {
  return (args) => {
    const { a, b } = args.inputs as { a: Info; b: Info };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    // tf.matMul hands the kernel rank-3 tensors: [batch, rows, k] and [batch, n, k] (transposed).
    const single = (t: Info) => (t.shape.length === 3 && t.shape[0] === 1) || t.shape.length === 2;
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
    if (transposeA || !transposeB || !single(a) || !single(b)) return stock(args);
    const [rows, k] = a.shape.slice(-2) as [number, number];
    const [n] = b.shape.slice(-2) as [number, number];
    if (rows > 64 || n * k < BIG_WEIGHTS) return stock(args);
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

/**
 * A dense layer with a big weight matrix, fused (inference) or not (inside tf.grad, where
 * TF.js unfuses matMul + bias + ReLU): XNNPACK caches one packed copy of the weights per
 * kernel, so the two paths packed VGG16's fc6–fc8 twice (+494 MB of heap). Here the fused
 * kernel runs the same BatchMatMul, then the bias and the activation: one packed copy.
 */
function makeFusedMatMul(stock: KernelFn): KernelFn {
  return (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as { a: Info; b: Info; bias?: Info; preluActivationWeights?: Info };
    const { transposeA, transposeB, activation } = args.attrs as { transposeA: boolean; transposeB: boolean; activation: string };
    const big = b.shape.slice(-2).reduce((x, y) => x * y, 1) >= BIG_WEIGHTS;
    if (!big || preluActivationWeights || (activation !== 'linear' && activation !== 'relu')) return stock(args);
    const { backend } = args;
    let out = kernel('BatchMatMul')({ inputs: { a, b }, backend, attrs: { transposeA, transposeB } });
    if (bias) {
      const next = kernel('Add')({ inputs: { a: out, b: bias }, backend, attrs: {} });
      dispose(backend, out);
      out = next;
    }
    if (activation === 'relu') {
      const next = kernel('Relu')({ inputs: { x: out }, backend, attrs: {} });
      dispose(backend, out);
      out = next;
    }
    return out;
  };
}

let registered = false;

/** Idempotent; call before using the WASM backend for gradients. */
export function registerWasmGradientKernels(): void {
  if (registered) return;
  registered = true;
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm'))
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc });
  const stockIdentity = tf.getKernel('Identity', 'wasm');
  if (stockIdentity) {
    const stock = stockIdentity.kernelFunc as unknown as KernelFn;
    tf.unregisterKernel('Identity', 'wasm');
    tf.registerKernel({
      ...stockIdentity,
      kernelFunc: ((args: Parameters<KernelFn>[0]) => ((args.inputs.x as Info).dtype === 'string' ? stock(args) : aliasIdentity(args))) as unknown as tf.KernelFunc,
    });
  }
  const stockMatMul = tf.getKernel('BatchMatMul', 'wasm');
  if (stockMatMul) {
    tf.unregisterKernel('BatchMatMul', 'wasm');
    tf.registerKernel({ ...stockMatMul, kernelFunc: makeBatchMatMul(stockMatMul.kernelFunc as unknown as KernelFn) as unknown as tf.KernelFunc });
  }
  const stockFused = tf.getKernel('_FusedMatMul', 'wasm');
  if (stockFused) {
    tf.unregisterKernel('_FusedMatMul', 'wasm');
    tf.registerKernel({ ...stockFused, kernelFunc: makeFusedMatMul(stockFused.kernelFunc as unknown as KernelFn) as unknown as tf.KernelFunc });
  }
  const stockInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (stockInput) {
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    tf.registerKernel({
      ...stockInput,
      kernelFunc: makeConv2dBackpropInput(stockInput.kernelFunc as unknown as KernelFn) as unknown as tf.KernelFunc,
    });
  }
}
