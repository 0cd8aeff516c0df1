/**
 * One SGD-with-momentum step for one weight in a single pass (our `momentum` kernel) on the WASM
 * backend: the values TF.js's MomentumOptimizer computes, as new tensors, where it makes four
 * passes over the weight and two temporaries (AlexNet's new fc7: 16.8 M weights, ≈ 60 ms a step).
 */
import * as tf from '@tensorflow/tfjs';
import { address, backendMemory, floatOutput, momentumFor } from './gemv';
import { kernelThreads, split } from './pool';
import { dispose } from './util';

/** Weights from this many values up are split among the kernel threads (fc7: 16.8 M). */
const SPLIT_MIN = 1 << 16;

/**
 * a' = m·a + g and v' = c·a' + v (c = −lr), or null where it cannot run here (another backend,
 * no SIMD, another dtype, other sizes): the caller's stock update then.
 */
export function momentumStep(value: tf.Tensor, acc: tf.Tensor, grad: tf.Tensor, momentum: number, c: number): { value: tf.Tensor; acc: tf.Tensor } | null {
  if (tf.getBackend() !== 'wasm') return null;
  if ([value, acc, grad].some((t) => t.dtype !== 'float32' || t.size !== value.size)) return null;
  const backend = tf.backend();
  const step = momentumFor(backend);
  if (!step) return null;
  const vOut = floatOutput(backend, value.shape);
  const aOut = floatOutput(backend, value.shape);
  // Addresses after both outputs exist (making one may grow the memory; offsets stay valid).
  const at = (id: unknown) => address(backend, id);
  const [v, a, g, vo, ao] = [value.dataId, acc.dataId, grad.dataId, vOut.dataId, aOut.dataId].map(at) as [number, number, number, number, number];
  // Big weights are split among the threads in equal runs (multiples of 4 floats; each byte read
  // and written by one); a small one is not worth a helper's wake-up.
  const per = value.size < SPLIT_MIN ? value.size : Math.ceil(value.size / kernelThreads() / 4) * 4;
  const parts: number[][] = [];
  for (let i = 0; i < value.size; i += per) parts.push([v + 4 * i, a + 4 * i, g + 4 * i, vo + 4 * i, ao + 4 * i, Math.min(per, value.size - i), momentum, c]);
  try {
    split('momentum', backendMemory(backend)!, parts, (p) => step(...(p as Parameters<typeof step>)));
  } catch (e) {
    dispose(backend, vOut, aOut);
    throw e;
  }
  const engine = tf.engine();
  return { value: engine.makeTensorFromTensorInfo(vOut), acc: engine.makeTensorFromTensorInfo(aOut) };
}
