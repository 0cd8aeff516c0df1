/** Identity, and Cast to the dtype a tensor already has, without a copy on WASM (string tensors keep the stock kernel). */
import type { Info, KernelFn, KernelPatch } from './util';

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

export const identityPatch: KernelPatch = {
  kernelName: 'Identity',
  make: (stock) => (args) => ((args.inputs.x as Info).dtype === 'string' && stock ? stock(args) : aliasIdentity(args)),
};

/**
 * Cast to the same dtype aliases too, as the CPU backend's Cast does: ReLU's gradient is
 * dy·cast(step(x), 'float32'), and the stock WASM Cast copied every activation (9 ms of a VGG16 map).
 */
export const castPatch: KernelPatch = {
  kernelName: 'Cast',
  make: (stock) => (args) => {
    const x = args.inputs.x as Info;
    if (x.dtype !== 'string' && x.dtype === (args.attrs as { dtype: string }).dtype) return aliasIdentity(args);
    if (!stock) throw new Error(`WASM has no stock Cast for ${x.dtype} → ${String((args.attrs as { dtype: string }).dtype)}`);
    return stock(args);
  },
};
