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
  const stockInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (stockInput) {
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    tf.registerKernel({
      ...stockInput,
      kernelFunc: makeConv2dBackpropInput(stockInput.kernelFunc as unknown as KernelFn) as unknown as tf.KernelFunc,
    });
  }
}
