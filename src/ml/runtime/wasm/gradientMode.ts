/**
 * Saliency needs only ∂S/∂I, yet TF.js's fused ops compute their weight gradients eagerly: a
 * fused convolution its filter gradient, a fused linear dense layer (VGG16's fc8) its xᵀ·dy.
 * Inside `inputGradientsOnly` the patched Conv2DBackpropFilter returns zeros instead (one full
 * convolution saved per layer per backward pass), and so does the patched BatchMatMul for a
 * transposed left operand with the right one not transposed — in the models here that product
 * only ever is a dense layer's weight gradient (Dense computes x·W; VGG16's fc8: 20 ms of a map).
 * The switch covers one synchronous call (a tf.grad / tf.valueAndGrad), never an `await`, so
 * no other work can run under it.
 */
let weightGradients = true;

export function weightGradientsWanted(): boolean {
  return weightGradients;
}

/** Run the synchronous `fn` (a gradient computation) with convolution filter and dense weight gradients skipped. */
export function inputGradientsOnly<T>(fn: () => T): T {
  const prev = weightGradients;
  weightGradients = false;
  try {
    const out = fn();
    if (out instanceof Promise) throw new Error('inputGradientsOnly takes a synchronous function');
    return out;
  } finally {
    weightGradients = prev;
  }
}
