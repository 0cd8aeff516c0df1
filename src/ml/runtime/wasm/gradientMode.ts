/**
 * Saliency needs only ∂S/∂I, yet TF.js's fused convolution computes each filter gradient
 * eagerly. Inside `inputGradientsOnly` the patched Conv2DBackpropFilter returns zeros instead,
 * saving one full convolution per layer per backward pass. The switch covers one synchronous
 * call (a tf.grad / tf.valueAndGrad), never an `await`, so no other work can run under it.
 */
let filterGradients = true;

export function filterGradientsWanted(): boolean {
  return filterGradients;
}

/** Run the synchronous `fn` (a gradient computation) with convolution filter gradients skipped. */
export function inputGradientsOnly<T>(fn: () => T): T {
  const prev = filterGradients;
  filterGradients = false;
  try {
    const out = fn();
    if (out instanceof Promise) throw new Error('inputGradientsOnly takes a synchronous function');
    return out;
  } finally {
    filterGradients = prev;
  }
}
