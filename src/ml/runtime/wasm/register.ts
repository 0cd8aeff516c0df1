/**
 * The one list of WASM kernel patches (as tfjs-backend-wasm's register_all_kernels.ts lists its
 * kernels), registered once over the stock kernels, and a record of what was registered so a
 * test can check each patch is the kernel TF.js actually runs.
 */
import * as tf from '@tensorflow/tfjs';
import { batchMatMulPatch } from './batchMatMul';
import { conv2dBackpropFilterPatch } from './conv2dBackpropFilter';
import { conv2dBackpropInputPatch } from './conv2dBackpropInput';
import { fusedMatMulPatch } from './fusedMatMul';
import { castPatch, identityPatch } from './identity';
import { maxPoolGradPatch } from './maxPoolGrad';
import { padPatch } from './pad';
import { registerReluGrad } from './reluGrad';
import type { KernelFn, KernelPatch } from './util';

export { setFlipCaching } from './conv2dBackpropInput';

export const WASM_KERNEL_PATCHES: readonly KernelPatch[] = [conv2dBackpropFilterPatch, conv2dBackpropInputPatch, identityPatch, castPatch, batchMatMulPatch, fusedMatMulPatch, maxPoolGradPatch, padPatch];

const registered = new Map<string, tf.KernelFunc>();

/** Idempotent; the backend selection calls it before the WASM backend is used. */
export function registerWasmKernels(): void {
  if (registered.size) return;
  registerReluGrad();
  for (const p of WASM_KERNEL_PATCHES) {
    const stock = tf.getKernel(p.kernelName, 'wasm');
    const fn = p.make(stock?.kernelFunc as unknown as KernelFn | undefined) as unknown as tf.KernelFunc;
    if (stock) tf.unregisterKernel(p.kernelName, 'wasm');
    tf.registerKernel({ ...stock, kernelName: p.kernelName, backendName: 'wasm', kernelFunc: fn });
    registered.set(p.kernelName, fn);
  }
}

/** The kernel functions this module registered, by kernel name (for the registration test). */
export function registeredWasmKernels(): ReadonlyMap<string, tf.KernelFunc> {
  return registered;
}
