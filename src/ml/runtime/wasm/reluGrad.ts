/**
 * ReLU's gradient in one pass on WASM. TF.js computes it as dy·cast(step(x), 'float32'): Step,
 * Cast and Multiply, three passes over every activation (35 ms of a 1.04 s VGG16 map before Cast
 * aliased). The gradient registered here runs our kernel (kernelsWat.ts `relugrad`, the same
 * bits) where it can, and TF.js's own formula everywhere else: other backends, other dtypes, and
 * inside an outer tf.grad (our kernel has no gradient of its own, so second derivatives keep the
 * stock ops).
 */
import * as tf from '@tensorflow/tfjs';
import { address, floatOutput, reluGradFor } from './gemv';
import type { Info, KernelFn } from './util';

export const RELU_GRAD_KERNEL = 'TransferLensReluGrad';

const reluGradKernel: KernelFn = ({ inputs, backend }) => {
  const { x, dy } = inputs as { x: Info; dy: Info };
  const run = reluGradFor(backend)!;
  const dx = floatOutput(backend, x.shape);
  run(address(backend, x.dataId), address(backend, dy.dataId), address(backend, dx.dataId), tf.util.sizeFromShape(x.shape));
  return dx;
};

/** The stock formula (tfjs-core's Relu gradient). */
const stock = (dy: tf.Tensor, x: tf.Tensor) => tf.mul(dy, tf.cast(tf.step(x), 'float32'));

function reluGrad(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const engine = tf.engine() as unknown as { state: { gradientDepth: number }; backend: unknown };
  const ours =
    tf.getBackend() === 'wasm' &&
    x.dtype === 'float32' &&
    dy.dtype === 'float32' &&
    tf.util.arraysEqual(x.shape, dy.shape) &&
    engine.state.gradientDepth === 0 &&
    reluGradFor(engine.backend) !== null;
  return ours ? tf.engine().runKernel(RELU_GRAD_KERNEL, { x, dy }, {}) as tf.Tensor : stock(dy, x);
}

let done = false;

/** Idempotent: the kernel on 'wasm', and the Relu gradient that uses it (for every backend). */
export function registerReluGrad(): void {
  if (done) return;
  done = true;
  tf.registerKernel({ kernelName: RELU_GRAD_KERNEL, backendName: 'wasm', kernelFunc: reluGradKernel as unknown as tf.KernelFunc });
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as tf.Tensor[];
      return { x: () => reluGrad(dy as tf.Tensor, x!) };
    },
  });
}
