/**
 * Class model visualisation (Simonyan et al. 2014 §2): gradient ascent on the class score from the
 * mean image, regularised as Yosinski et al. (2015) found necessary for an image a person can read:
 * random jitter each step, L2 decay, an occasional Gaussian blur, and pixels kept in range.
 */
import * as tf from '@tensorflow/tfjs';
import type { Preprocess } from '../core/metadata';
import { inputGradientsOnly } from '../runtime/wasm/gradientMode';
import { mulberry32 } from '../core/random';
import { gaussianBlur } from './baselines';
import { checkClass, scoreFn } from './gradients';
import { yieldToEvents } from '../core/yieldToEvents';

export interface ClassModelOptions {
  classIndex: number;
  inputSize: [number, number];
  preprocess: Preprocess;
  steps?: number;
  /** Step size as a fraction of the input's dynamic range. */
  lr?: number;
  /**
   * λ of the L2 penalty λ‖I‖² (Simonyan et al. 2014, eq. 1). Default 0: summed over 150,528 pixels
   * it outweighs the class score at any λ that matters; the per-step decay below does its job.
   */
  l2?: number;
  /** Report a frame every `every` steps. */
  every?: number;
  /** Random shift of up to this many pixels before each gradient step (0 = off). */
  jitter?: number;
  /** Fraction of the image removed each step (L2 decay, Yosinski et al.). */
  decay?: number;
  /** Blur with σ = blurSigma every `blurEvery` steps (0 = never). */
  blurEvery?: number;
  blurSigma?: number;
  /** Seed of the jitter. */
  seed?: number;
  /** Optimise an image this many times smaller, upsampled to the input size (smoother, faster to read). */
  scale?: number;
  onFrame?: (frame: { rgba: Uint8ClampedArray; step: number; score: number }) => void;
  shouldStop?: () => boolean;
}

/**
 * Class model visualisation: gradient ascent on S_c(I) − λ‖I‖² from a zero image (the
 * mean image, since inputs are mean-subtracted). Steps are normalised by the gradient's
 * RMS so one step size suits every preprocessing.
 */
export async function classModelVisualisation(model: tf.LayersModel, o: ClassModelOptions): Promise<{ rgba: Uint8ClampedArray; score: number; steps: number }> {
  checkClass(model, o.classIndex);
  const [H, W] = o.inputSize;
  const range = (255 * (o.preprocess.mode === 'caffe' ? 1 : 1 / 255)) / Math.min(...o.preprocess.std);
  const lr = (o.lr ?? 0.01) * range;
  const l2 = o.l2 ?? 0;
  const steps = o.steps ?? 200;
  const every = Math.max(1, o.every ?? 10);
  const jitter = Math.max(0, Math.round(o.jitter ?? 4));
  const decay = o.decay ?? 0.005;
  const blurEvery = o.blurEvery ?? 5;
  const blurSigma = o.blurSigma ?? 0.5;
  const rand = mulberry32(o.seed ?? 1);
  const score = scoreFn(model, o.classIndex, 'logit');
  const objective = (img: tf.Tensor) => score(up(img as tf.Tensor4D)).sub(img.square().sum().mul(l2 * sc * sc)) as tf.Scalar;
  // Valid pixels (0..255) in the model's input space: the image is kept inside them.
  const [lo, hi] = tf.tidy(() => [normalizeBatch(tf.zeros([1, 1, 1, 3]), o.preprocess), normalizeBatch(tf.fill([1, 1, 1, 3], 255), o.preprocess)]);
  const low = tf.minimum(lo!, hi!);
  const high = tf.maximum(lo!, hi!);
  tf.dispose([lo!, hi!]);
  const sc = Math.max(1, Math.round(o.scale ?? 1));
  const [h, w] = [Math.ceil(H / sc), Math.ceil(W / sc)];
  const up = (x: tf.Tensor4D) => (sc === 1 ? x : (tf.image.resizeBilinear(x, [H, W], false, true) as tf.Tensor4D));
  let img = tf.zeros([1, h, w, 3]) as tf.Tensor4D;
  let last = 0;
  let done = 0;
  const frame = async (): Promise<Uint8ClampedArray> => {
    const t = tf.tidy(() => {
      const rgb = denormalizeBatch(up(img), o.preprocess);
      return tf.concat([rgb, tf.fill([1, H, W, 1], 255)], -1).round().toInt();
    });
    const data = await t.data();
    t.dispose();
    return Uint8ClampedArray.from(data);
  };
  try {
    {
      for (let i = 1; i <= steps; i++) {
        if (i % every === 1 || every === 1) await yieldToEvents();
        if (o.shouldStop?.()) break;
        const dx = jitter ? Math.floor(rand() * (2 * jitter + 1)) - jitter : 0;
        const dy = jitter ? Math.floor(rand() * (2 * jitter + 1)) - jitter : 0;
        const next = tf.tidy(() => {
          const shifted = roll(img, dy, dx);
          const g = roll(inputGradientsOnly(() => tf.grad(objective)(shifted)) as tf.Tensor4D, -dy, -dx);
          const rms = g.square().mean().sqrt().add(1e-12);
          let x = img.add(g.div(rms).mul(lr)).mul(1 - decay) as tf.Tensor4D;
          if (blurEvery > 0 && i % blurEvery === 0) x = gaussianBlur(x, blurSigma);
          return tf.minimum(tf.maximum(x, low), high) as tf.Tensor4D;
        });
        img.dispose();
        img = next;
        done = i;
        if (i % every === 0 || i === steps) {
          const s = tf.tidy(() => score(up(img)));
          last = (await s.data())[0]!;
          s.dispose();
          o.onFrame?.({ rgba: await frame(), step: i, score: last });
        }
      }
    }
    if (done % every !== 0 && done !== steps) {
      const s = tf.tidy(() => score(up(img)));
      last = (await s.data())[0]!;
      s.dispose();
    }
    return { rgba: await frame(), score: last, steps: done };
  } finally {
    tf.dispose([img, low, high]);
  }
}

/** The image shifted by (dy, dx) with wrap-around (jitter without losing pixels). */
function roll(x: tf.Tensor4D, dy: number, dx: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [, H, W] = x.shape;
    let y = x;
    const sy = ((dy % H) + H) % H;
    const sx = ((dx % W) + W) % W;
    if (sy) y = tf.concat([y.slice([0, H - sy, 0, 0], [-1, sy, -1, -1]), y.slice([0, 0, 0, 0], [-1, H - sy, -1, -1])], 1);
    if (sx) y = tf.concat([y.slice([0, 0, W - sx, 0], [-1, -1, sx, -1]), y.slice([0, 0, 0, 0], [-1, -1, W - sx, -1])], 2);
    return y;
  });
}

/** Pixels 0..255 (RGB) → the model's input space, like preprocessing does. */
function normalizeBatch(x: tf.Tensor4D, p: Preprocess): tf.Tensor4D {
  return tf.tidy(() => {
    let y = x.mul(p.mode === 'caffe' ? 1 : 1 / 255);
    if (p.channelOrder === 'BGR') y = y.reverse(-1);
    return y.sub(tf.tensor1d(p.mean)).div(tf.tensor1d(p.std)) as tf.Tensor4D;
  });
}

function denormalizeBatch(x: tf.Tensor4D, p: Preprocess): tf.Tensor4D {
  return tf.tidy(() => {
    let y = x.mul(tf.tensor1d(p.std)).add(tf.tensor1d(p.mean));
    if (p.channelOrder === 'BGR') y = y.reverse(-1);
    return y.div(p.mode === 'caffe' ? 1 : 1 / 255).clipByValue(0, 255) as tf.Tensor4D;
  });
}
