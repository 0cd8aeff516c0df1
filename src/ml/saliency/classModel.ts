/** Class model visualisation (Simonyan et al. 2014 §2): gradient ascent on the class score from the mean image. */
import * as tf from '@tensorflow/tfjs';
import type { Preprocess } from '../core/metadata';
import { inputGradientsOnly } from '../runtime/wasm/gradientMode';
import { checkClass, scoreFn, yieldToEvents } from './gradients';

export interface ClassModelOptions {
  classIndex: number;
  inputSize: [number, number];
  preprocess: Preprocess;
  steps?: number;
  /** Step size as a fraction of the input's dynamic range. */
  lr?: number;
  /** λ of the L2 penalty λ‖I‖² (Simonyan et al. 2014, eq. 1). */
  l2?: number;
  /** Report a frame every `every` steps. */
  every?: number;
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
  const l2 = o.l2 ?? 1e-4;
  const steps = o.steps ?? 200;
  const every = Math.max(1, o.every ?? 10);
  const score = scoreFn(model, o.classIndex, 'logit');
  const objective = (img: tf.Tensor) => score(img).sub(img.square().sum().mul(l2)) as tf.Scalar;
  let img = tf.zeros([1, H, W, 3]) as tf.Tensor4D;
  let last = 0;
  let done = 0;
  const frame = async (): Promise<Uint8ClampedArray> => {
    const t = tf.tidy(() => {
      const rgb = denormalizeBatch(img, o.preprocess);
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
        const next = tf.tidy(() => {
          const g = inputGradientsOnly(() => tf.grad(objective)(img));
          const rms = g.square().mean().sqrt().add(1e-12);
          return img.add(g.div(rms).mul(lr)) as tf.Tensor4D;
        });
        img.dispose();
        img = next;
        done = i;
        if (i % every === 0 || i === steps) {
          const s = tf.tidy(() => score(img));
          last = (await s.data())[0]!;
          s.dispose();
          o.onFrame?.({ rgba: await frame(), step: i, score: last });
        }
      }
    }
    return { rgba: await frame(), score: last, steps: done };
  } finally {
    img.dispose();
  }
}

function denormalizeBatch(x: tf.Tensor4D, p: Preprocess): tf.Tensor4D {
  return tf.tidy(() => {
    let y = x.mul(tf.tensor1d(p.std)).add(tf.tensor1d(p.mean));
    if (p.channelOrder === 'BGR') y = y.reverse(-1);
    return y.div(p.mode === 'caffe' ? 1 : 1 / 255).clipByValue(0, 255) as tf.Tensor4D;
  });
}
