/** What the WASM kernel patches share: the kernel-function type and two backend helpers. */
import * as tf from '@tensorflow/tfjs';

export type Info = tf.TensorInfo;
export type KernelFn = (args: { inputs: Record<string, Info>; backend: unknown; attrs: Record<string, unknown> }) => Info;

/** A patch: the kernel it replaces on 'wasm', built from the stock one (undefined where WASM has none). */
export interface KernelPatch {
  kernelName: string;
  make(stock: KernelFn | undefined): KernelFn;
}

/** A patch that wraps the stock kernel (and refuses to register where WASM has none to fall back on). */
export function overStock(kernelName: string, make: (stock: KernelFn) => KernelFn): KernelPatch {
  return {
    kernelName,
    make: (stock) => {
      if (!stock) throw new Error(`WASM has no stock ${kernelName} to fall back on`);
      return make(stock);
    },
  };
}

/** A registered WASM kernel by name (a stock one, or a patch registered before). */
export function kernel(name: string): KernelFn {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`WASM kernel ${name} is missing`);
  return k.kernelFunc as unknown as KernelFn;
}

export function dispose(backend: unknown, ...infos: Info[]): void {
  for (const i of infos) (backend as { disposeData(id: unknown): void }).disposeData(i.dataId);
}

/** The attributes TF.js passes to a convolution's gradient kernels. */
export interface ConvAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The big dense weights the matmul patches treat specially (≥ 1 Mi elements). */
export const BIG_WEIGHTS = 1 << 20;
