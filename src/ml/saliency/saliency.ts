/**
 * Saliency methods over a model's unnormalised class scores (pre-softmax logits).
 * Simonyan et al. 2014 (vanilla gradient, class model visualisation), SmoothGrad
 * (Smilkov et al. 2017), Integrated Gradients (Sundararajan et al. 2017),
 * Gradient × Input, and Grad-CAM (Selvaraju et al. 2017).
 *
 * Inputs are preprocessed tensors [1, H, W, 3]; maps come back as Float32Arrays
 * (H × W, non-negative) so they can leave the worker without tensors.
 */
import * as tf from '@tensorflow/tfjs';
import type { Preprocess } from '../core/metadata';
import { SALIENCY_METHODS, type SaliencyMethod } from '../core/vocab';
import { lastSpatialLayer, modelFrom, modelUpTo } from '../runtime/graph';
import { inputGradientsOnly } from '../runtime/wasm/gradientMode';
import { blackBaseline, gaussianBlur } from './baselines';
import { aggregateChannels, argmax, averageGradients, checkClass, logits, scoreFn, toArray, type Aggregate, type ScoreTarget } from './gradients';

export interface SaliencyOptions {
  method: SaliencyMethod;
  /** The class to explain; 'top1' = the model's top class for this image. */
  classIndex: number | 'top1';
  /** Channel aggregation: max |·| (the paper) or sum |·| (PAIR / Captum). */
  aggregate?: Aggregate;
  /** Differentiate the logit (the paper) or the softmax probability. */
  target?: ScoreTarget;
  /** SmoothGrad: number of noisy samples and noise σ as % of the input range. */
  samples?: number;
  noisePct?: number;
  /** Integrated Gradients: number of steps and baseline. */
  steps?: number;
  baseline?: 'black' | 'blur';
  /** Needed for the black baseline (black pixels in the model's input space). */
  preprocess?: Preprocess;
  /** Grad-CAM layer (default: the last spatial layer). */
  layer?: string;
  /** Images per gradient pass for the multi-pass methods. */
  batchSize?: number;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
  shouldStop?: () => boolean;
}

export interface SaliencyMap {
  map: Float32Array;
  width: number;
  height: number;
  /** The class's logit at the input. */
  score: number;
  /** Largest |∂S_c/∂I| over the image (vanilla gradient), for the formula panel. */
  maxGrad: number;
  method: SaliencyMethod;
  classIndex: number;
  /** All logits at the input (one forward pass shared with the map). */
  logits: Float32Array;
}

type Resolved = Omit<SaliencyOptions, 'classIndex'> & { classIndex: number };

async function gradCam(model: tf.LayersModel, x: tf.Tensor4D, o: Resolved): Promise<tf.Tensor2D> {
  const layer = o.layer ?? lastSpatialLayer(model);
  if (!layer) throw new Error('Grad-CAM needs a layer with a spatial output; this model has none');
  const lower = modelUpTo(model, layer);
  const upper = modelFrom(model, layer);
  return tf.tidy(() => {
    const a = lower.apply(x, { training: false }) as tf.Tensor4D;
    if (a.rank !== 4) throw new Error(`Grad-CAM layer ${layer} has no spatial output`);
    const g = inputGradientsOnly(() => tf.grad((act: tf.Tensor) => scoreFn(upper, o.classIndex, o.target ?? 'logit')(act))(a) as tf.Tensor4D);
    const alpha = g.mean([1, 2], true); // [1,1,1,K]
    const cam = tf.relu(a.mul(alpha).sum(-1, true)) as tf.Tensor4D; // [1,h,w,1]
    const [, H, W] = x.shape;
    return tf.image.resizeBilinear(cam, [H, W], false, true).reshape([H, W]) as tf.Tensor2D;
  });
}

/** Any method → an H×W non-negative map. `model` must output logits (see `logitsModel`). */
export function computeSaliency(model: tf.LayersModel, x: tf.Tensor4D, o: SaliencyOptions): Promise<SaliencyMap> {
  return saliencyImpl(model, x, o);
}

/**
 * One forward + backward pass: the class score's input gradient, the score, and all
 * logits (kept from inside the pass, so no second forward is needed for the top-5).
 * With classIndex 'top1' the class is picked in-graph as argmax of the logits.
 */
async function singlePass(model: tf.LayersModel, x: tf.Tensor4D, classIndex: number | 'top1', target: ScoreTarget) {
  let kept: tf.Tensor2D | null = null;
  const f = (input: tf.Tensor) => {
    const z = logits(model, input);
    kept = tf.keep(z);
    const s = target === 'prob' ? tf.softmax(z) : z;
    // A one-hot mask, not gather: gather's gradient needs a kernel WASM does not have.
    const idx = classIndex === 'top1' ? z.argMax(-1) : tf.fill([z.shape[0]], classIndex, 'int32');
    return s.mul(tf.oneHot(idx as tf.Tensor1D, z.shape[1])).sum() as tf.Scalar;
  };
  const { grad, value } = inputGradientsOnly(() => tf.valueAndGrad(f)(x));
  value.dispose();
  const z = await toArray(kept!);
  const c = classIndex === 'top1' ? argmax(z) : classIndex;
  return { grad: grad as tf.Tensor4D, logits: z, classIndex: c, score: z[c]! };
}

async function forwardLogits(model: tf.LayersModel, x: tf.Tensor4D): Promise<Float32Array> {
  return toArray(tf.tidy(() => logits(model, x).reshape([-1])));
}

async function saliencyImpl(model: tf.LayersModel, x: tf.Tensor4D, opts: SaliencyOptions): Promise<SaliencyMap> {
  checkClass(model, opts.classIndex);
  if (x.shape[0] !== 1) throw new Error('computeSaliency takes one image [1, H, W, 3]');
  const [, H, W] = x.shape;
  const agg = opts.aggregate ?? 'max';
  const target = opts.target ?? 'logit';
  let mapT: tf.Tensor;
  let maxGrad = NaN;
  let z: Float32Array;
  let o: Resolved;
  if (opts.method === 'vanilla' || opts.method === 'gradient-x-input') {
    const r = await singlePass(model, x, opts.classIndex, target);
    z = r.logits;
    o = { ...opts, classIndex: r.classIndex };
    if (opts.method === 'vanilla') {
      maxGrad = (await toArray(tf.tidy(() => r.grad.abs().max())))[0]!;
      mapT = tf.tidy(() => aggregateChannels(r.grad, agg).reshape([H, W]));
    } else mapT = tf.tidy(() => aggregateChannels(r.grad.mul(x) as tf.Tensor4D, agg).reshape([H, W]));
    r.grad.dispose();
    o.onProgress?.(1, 1);
  } else {
    z = await forwardLogits(model, x);
    o = { ...opts, classIndex: opts.classIndex === 'top1' ? argmax(z) : opts.classIndex };
    mapT = await multiPass(model, x, o, agg);
  }
  const map = await toArray(mapT);
  if (Number.isNaN(maxGrad)) maxGrad = map.reduce((a, b) => Math.max(a, b), 0);
  return { map, width: W, height: H, score: z[o.classIndex]!, maxGrad, method: o.method, classIndex: o.classIndex, logits: z };
}

async function multiPass(model: tf.LayersModel, x: tf.Tensor4D, o: Resolved, agg: Aggregate): Promise<tf.Tensor> {
  const [, H, W] = x.shape;
  let mapT: tf.Tensor;
  switch (o.method) {
    case 'smoothgrad': {
      const n = Math.max(1, o.samples ?? 25);
      const range = tf.tidy(() => x.max().sub(x.min()));
      const sigma = ((o.noisePct ?? 15) / 100) * (await toArray(range))[0]!;
      const seed = o.seed ?? 0;
      const mean = await averageGradients(model, o, n, (start, k) =>
        tf.tidy(() => x.tile([k, 1, 1, 1]).add(tf.randomNormal([k, H, W, 3], 0, sigma, 'float32', seed + start)) as tf.Tensor4D),
      );
      mapT = tf.tidy(() => aggregateChannels(mean, agg).reshape([H, W]));
      mean.dispose();
      break;
    }
    case 'integrated-gradients': {
      const m = Math.max(1, o.steps ?? 32);
      const base = o.baseline === 'blur' ? gaussianBlur(x, Math.max(H, W) / 32) : blackBaseline(x, o.preprocess);
      const diff = tf.tidy(() => x.sub(base) as tf.Tensor4D);
      try {
        // Midpoint Riemann sum over α ∈ (0, 1).
        const mean = await averageGradients(model, o, m, (start, k) =>
          tf.tidy(() => {
            const alphas = tf.tensor1d(Array.from({ length: k }, (_, i) => (start + i + 0.5) / m)).reshape([k, 1, 1, 1]);
            return base.add(diff.mul(alphas)) as tf.Tensor4D;
          }),
        );
        mapT = tf.tidy(() => aggregateChannels(mean.mul(diff) as tf.Tensor4D, agg).reshape([H, W]));
        mean.dispose();
      } finally {
        base.dispose();
        diff.dispose();
      }
      break;
    }
    case 'gradcam': {
      mapT = await gradCam(model, x, o);
      o.onProgress?.(1, 1);
      break;
    }
    default:
      throw new Error(`unknown saliency method ${String(o.method)}; valid: ${SALIENCY_METHODS.join(', ')}`);
  }
  return mapT;
}

