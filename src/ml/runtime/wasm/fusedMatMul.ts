/** _FusedMatMul over the patched BatchMatMul for big weights, so XNNPACK packs them once. */
import { BIG_WEIGHTS, dispose, kernel, overStock, type Info, type KernelFn, type KernelPatch } from './util';

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

export const fusedMatMulPatch: KernelPatch = overStock('_FusedMatMul', makeFusedMatMul);
