/**
 * The feature space in two dimensions: the first two principal components of a set of feature
 * rows (PCA by power iteration on the covariance, deflating after the first), as the fast first view
 * of how the styles sit in what the network computes.
 */
import * as tf from '@tensorflow/tfjs';

/** Rows [n, dim] → [n, 2] projections on the top two principal components (deterministic: seeded start). */
export async function pca2(x: Float32Array, n: number, dim: number, iterations = 60): Promise<Float32Array> {
  if (n === 0 || dim === 0) return new Float32Array(0);
  const out = tf.tidy(() => {
    const X = tf.tensor2d(x, [n, dim]);
    const centered = X.sub(X.mean(0));
    const cov = tf.matMul(centered, centered, true, false).div(Math.max(1, n - 1)) as tf.Tensor2D; // [dim, dim]
    const vectors: tf.Tensor2D[] = [];
    let c = cov;
    for (let k = 0; k < 2; k++) {
      let v = tf.tensor2d(Float32Array.from({ length: dim }, (_, i) => Math.sin(i + 1 + k)), [dim, 1]);
      for (let it = 0; it < iterations; it++) {
        const w = tf.matMul(c, v);
        v = w.div(w.norm().add(1e-12)) as tf.Tensor2D;
      }
      vectors.push(v);
      // Deflate: remove the component just found.
      const lambda = tf.matMul(tf.matMul(v, c, true, false), v);
      c = c.sub(tf.matMul(v, v, false, true).mul(lambda)) as tf.Tensor2D;
    }
    return tf.matMul(centered, tf.concat(vectors, 1)) as tf.Tensor2D; // [n, 2]
  });
  try {
    return (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
}
