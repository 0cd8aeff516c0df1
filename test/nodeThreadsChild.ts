/**
 * A child process for scripts/lib/nodeTf.test.ts: starts the Node backend (threads from
 * TFJS_WASM_THREADS), runs a small conv net forward and backward on seeded random data, prints
 * one JSON line, and returns without process.exit so the test also sees that it exits by itself.
 */
import * as tf from '@tensorflow/tfjs';
import { initNodeBackend } from '../scripts/lib/nodeTf';

const info = await initNodeBackend();
const x = tf.randomNormal([2, 64, 64, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
const k1 = tf.randomNormal([3, 3, 3, 32], 0, 0.3, 'float32', 2) as tf.Tensor4D;
const k2 = tf.randomNormal([3, 3, 32, 64], 0, 0.1, 'float32', 3) as tf.Tensor4D;
const w = tf.randomNormal([64, 10], 0, 0.1, 'float32', 4) as tf.Tensor2D;
const net = (a: tf.Tensor4D, b: tf.Tensor4D) => {
  const h = tf.maxPool(tf.relu(tf.conv2d(x, a, 1, 'same')), 2, 2, 'valid');
  const g = tf.mean(tf.relu(tf.conv2d(h, b, 1, 'same')), [1, 2]) as tf.Tensor2D;
  return tf.matMul(g, w);
};
const logits = net(k1, k2);
// The gradients go through the conv backprop kernels the training loop uses.
const [g1, g2] = tf.grads((a: tf.Tensor, b: tf.Tensor) => net(a as tf.Tensor4D, b as tf.Tensor4D).square().sum())([k1, k2]);
console.log(
  JSON.stringify({
    backend: info.name,
    threads: info.threads,
    logits: Array.from(await logits.data()),
    g1: Array.from(await g1!.data()),
    g2: Array.from(await g2!.data()),
  }),
);
