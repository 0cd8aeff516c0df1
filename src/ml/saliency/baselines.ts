/** Baselines for Integrated Gradients: black (in the model's input space) and a Gaussian blur of the image. */
import * as tf from '@tensorflow/tfjs';
import type { Preprocess } from '../core/metadata';
import { normalize } from '../runtime/preprocess';

/** A separable Gaussian blur, for the Integrated Gradients "blurred" baseline. */
export function gaussianBlur(x: tf.Tensor4D, sigma: number): tf.Tensor4D {
  return tf.tidy(() => {
    const r = Math.max(1, Math.ceil(3 * sigma));
    const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
    const s = k.reduce((a, b) => a + b, 0);
    const k1 = tf.tensor1d(k.map((v) => v / s));
    const c = x.shape[3];
    const kh = k1.reshape([2 * r + 1, 1, 1, 1]).tile([1, 1, c, 1]) as tf.Tensor4D;
    const kw = k1.reshape([1, 2 * r + 1, 1, 1]).tile([1, 1, c, 1]) as tf.Tensor4D;
    // Reflect-pad so the borders are not darkened.
    const padded = tf.mirrorPad(x, [[0, 0], [r, r], [r, r], [0, 0]], 'reflect');
    return tf.depthwiseConv2d(tf.depthwiseConv2d(padded, kh, 1, 'valid'), kw, 1, 'valid') as tf.Tensor4D;
  });
}

export function blackBaseline(x: tf.Tensor4D, p?: Preprocess): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    if (!p) return tf.zerosLike(x);
    return normalize(tf.zeros([h, w, 3]) as tf.Tensor3D, p).expandDims(0) as tf.Tensor4D;
  });
}

