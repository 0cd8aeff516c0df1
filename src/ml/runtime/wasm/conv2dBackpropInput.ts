/** Conv2DBackpropInput at stride 1 as a forward convolution with flipped filters (several × faster on XNNPACK). */
import * as tf from '@tensorflow/tfjs';
import { dispose, kernel, overStock, type ConvAttrs, type Info, type KernelFn, type KernelPatch } from './util';

/**
 * Flipped, channel-swapped filters, kept per weight: XNNPACK caches packed weights by their
 * address, so a fresh copy each pass would be repacked each pass (VGG16: +0.9 s a map). A process
 * that runs one map (the saliency CLI) keeps them only from a filter's second pass on: else it
 * would hold VGG16's 59 MB of flipped filters and their packed copies (≈ 195 MB of heap) for no
 * second use. Entries whose weight has been disposed (another model loaded) are dropped on the
 * next call.
 */
const flipCache = new Map<object, Info>();
const seenOnce = new WeakSet<object>();
let fromSecondUse = false;

/** 'always' (the default: the app runs map after map) or 'from-second-use' (a process that runs one). */
export function setFlipCaching(mode: 'always' | 'from-second-use'): void {
  fromSecondUse = mode === 'from-second-use';
}

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
  const first = fromSecondUse && !seenOnce.has(filter.dataId);
  seenOnce.add(filter.dataId);
  if (first || flipCache.size >= 256) return { info: swapped, owned: true };
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
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
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

export const conv2dBackpropInputPatch: KernelPatch = overStock('Conv2DBackpropInput', makeConv2dBackpropInput);

/** Whether the flipped copy of this filter is kept (for tests). */
export function flippedFilterKept(filter: { dataId: object }): boolean {
  return flipCache.has(filter.dataId);
}
