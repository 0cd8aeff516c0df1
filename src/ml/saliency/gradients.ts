/**
 * The gradient pieces every saliency method shares: logits, the class score, ∂S_c/∂x with
 * filter gradients skipped, channel aggregation, and batched averaging of gradients with
 * progress and cancel. Tensors in, tensors out; the caller owns what is returned.
 */
import * as tf from '@tensorflow/tfjs';
import { inputGradientsOnly } from '../runtime/wasm/gradientMode';
import { yieldToEvents } from '../core/yieldToEvents';

export type Aggregate = 'max' | 'sum';
export type ScoreTarget = 'logit' | 'prob';

export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor() {
    super('cancelled');
  }
}

/** What the batched averaging needs of a method's options. */
export interface PassOptions {
  classIndex: number;
  target?: ScoreTarget;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  shouldStop?: () => boolean;
}

/** Logits of `model` for input x, [N, classes]. */
export function logits(model: tf.LayersModel, x: tf.Tensor): tf.Tensor2D {
  const out = model.apply(x, { training: false }) as tf.Tensor;
  return out.reshape([out.shape[0]!, -1]) as tf.Tensor2D;
}

/** Sum over the batch of the class score, so one gradient call serves N images. */
export function scoreFn(model: tf.LayersModel, classIndex: number, target: ScoreTarget) {
  return (x: tf.Tensor) => {
    const z = logits(model, x);
    const s = target === 'prob' ? tf.softmax(z) : z;
    return s.slice([0, classIndex], [-1, 1]).sum() as tf.Scalar;
  };
}

/** ∂S_c/∂x for a batch x [N,H,W,3]. Caller owns the result. */
export function inputGradient(model: tf.LayersModel, x: tf.Tensor4D, classIndex: number, target: ScoreTarget = 'logit'): tf.Tensor4D {
  // Only the input gradient is used: filter gradients are skipped (runtime/wasm/gradientMode).
  return tf.tidy(() => inputGradientsOnly(() => tf.grad(scoreFn(model, classIndex, target))(x) as tf.Tensor4D));
}

/** [N,H,W,3] → [N,H,W] of max|·| or sum|·| over channels. */
export function aggregateChannels(g: tf.Tensor4D, how: Aggregate): tf.Tensor3D {
  return tf.tidy(() => (how === 'max' ? g.abs().max(-1) : g.abs().sum(-1)) as tf.Tensor3D);
}

export function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
}

export function checkClass(model: tf.LayersModel, classIndex: number | 'top1'): void {
  if (classIndex === 'top1') return;
  const shape = model.outputs[0]!.shape;
  const n = shape.slice(1).reduce<number>((a, b) => a * (b ?? 1), 1);
  if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= n) throw new RangeError(`class index ${classIndex} is out of range 0..${n - 1}`);
}

export const stopCheck = (o: Pick<PassOptions, 'shouldStop'>) => {
  if (o.shouldStop?.()) throw new CancelledError();
};


export async function toArray(t: tf.Tensor): Promise<Float32Array> {
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

/** Mean of f(batch) over `total` items made `batchSize` at a time by `make(start, n)`. */
export async function averageGradients(
  model: tf.LayersModel,
  o: PassOptions,
  total: number,
  make: (start: number, n: number) => tf.Tensor4D,
): Promise<tf.Tensor4D> {
  const batch = Math.max(1, o.batchSize ?? 1);
  let acc: tf.Tensor4D | null = null;
  try {
    for (let start = 0; start < total; start += batch) {
      await yieldToEvents();
      stopCheck(o);
      const n = Math.min(batch, total - start);
      const g = tf.tidy(() => {
        const xs = make(start, n);
        return inputGradient(model, xs, o.classIndex, o.target ?? 'logit').sum(0, true) as tf.Tensor4D;
      });
      const next: tf.Tensor4D = acc ? tf.tidy(() => acc!.add(g) as tf.Tensor4D) : g;
      if (acc) {
        acc.dispose();
        g.dispose();
      }
      acc = next;
      await acc.data(); // lets the event loop breathe (progress, cancel) and bounds queued GPU work
      o.onProgress?.(Math.min(start + n, total), total);
    }
    const mean = tf.tidy(() => acc!.div(total) as tf.Tensor4D);
    return mean;
  } finally {
    acc?.dispose();
  }
}

