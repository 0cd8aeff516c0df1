/** What a worker's TF.js engine holds: tensors, their bytes, and the WASM heap or GPU bytes where reported. */
import * as tf from '@tensorflow/tfjs';
import { gemvFor } from '../../ml/runtime/wasm/gemv';
import { kernelThreads } from '../../ml/runtime/wasm/pool';

export interface MemoryInfo {
  numTensors: number;
  numBytes: number;
  /** WASM heap or GPU bytes when the backend reports them. */
  backendBytes?: number;
  /** WASM only: whether our GEMV kernel runs here (a dense layer's few rows without XNNPACK's copy of W). */
  gemv?: boolean;
  /** WASM only: the threads our own kernels split their work over (1 + ready helpers, wasm/pool.ts). */
  kernelThreads?: number;
}

export function engineMemory(): MemoryInfo {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  const info: MemoryInfo = { numTensors: m.numTensors, numBytes: m.numBytes };
  try {
    const wasm = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm;
    if (wasm?.HEAPU8) {
      info.backendBytes = wasm.HEAPU8.buffer.byteLength;
      info.gemv = gemvFor(tf.backend()) !== null;
      info.kernelThreads = kernelThreads();
    }
    else if (typeof m.numBytesInGPU === 'number') info.backendBytes = m.numBytesInGPU;
  } catch {
    /* best effort */
  }
  return info;
}
