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
import { lastSpatialLayer, modelFrom, modelUpTo } from '../runtime/graph';
import { normalize } from '../runtime/preprocess';
import type { Preprocess } from '../core/metadata';
import { inputGradientsOnly } from '../runtime/wasm/gradientMode';

import { SALIENCY_METHODS, type SaliencyMethod } from '../core/vocab';
export type Aggregate = 'max' | 'sum';
export type ScoreTarget = 'logit' | 'prob';

export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor() {
    super('cancelled');
  }
}

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

/** Logits of `model` for input x, [N, classes]. */
function logits(model: tf.LayersModel, x: tf.Tensor): tf.Tensor2D {
  const out = model.apply(x, { training: false }) as tf.Tensor;
  return out.reshape([out.shape[0]!, -1]) as tf.Tensor2D;
}

/** Sum over the batch of the class score, so one gradient call serves N images. */
function scoreFn(model: tf.LayersModel, classIndex: number, target: ScoreTarget) {
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

function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
}

function checkClass(model: tf.LayersModel, classIndex: number | 'top1'): void {
  if (classIndex === 'top1') return;
  const shape = model.outputs[0]!.shape;
  const n = shape.slice(1).reduce<number>((a, b) => a * (b ?? 1), 1);
  if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= n) throw new RangeError(`class index ${classIndex} is out of range 0..${n - 1}`);
}

const stopCheck = (o: Pick<SaliencyOptions, 'shouldStop'>) => {
  if (o.shouldStop?.()) throw new CancelledError();
};

/** A macrotask break, so a worker can receive a cancel message between passes. */
export const yieldToEvents = () => new Promise<void>((r) => setTimeout(r, 0));

async function toArray(t: tf.Tensor): Promise<Float32Array> {
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

/** Mean of f(batch) over `total` items made `batchSize` at a time by `make(start, n)`. */
async function averageGradients(
  model: tf.LayersModel,
  o: Resolved,
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

function blackBaseline(x: tf.Tensor4D, p?: Preprocess): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    if (!p) return tf.zerosLike(x);
    return normalize(tf.zeros([h, w, 3]) as tf.Tensor3D, p).expandDims(0) as tf.Tensor4D;
  });
}

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

export interface LogitsModel {
  model: tf.LayersModel;
  /** True when the original ended in a softmax and a logits head was built. */
  rebuilt: boolean;
  dispose(): void;
}

/**
 * A model with the same weights that outputs pre-softmax scores. Differentiating
 * through a softmax by accident would give the probability's gradient, which mixes in
 * every other class (Simonyan et al. use the unnormalised score).
 */
export function logitsModel(model: tf.LayersModel): LogitsModel {
  const last = model.layers[model.layers.length - 1]!;
  const cls = last.getClassName();
  const cfg = last.getConfig() as { activation?: string; name?: string };
  const ins = (last as unknown as { inboundNodes: { inputTensors: tf.SymbolicTensor[] }[] }).inboundNodes[0]?.inputTensors ?? [];
  if (cls === 'Softmax' || (cls === 'Activation' && cfg.activation === 'softmax')) {
    const m = tf.model({ inputs: model.inputs, outputs: ins[0]!, name: `${model.name}_logits` });
    return { model: m, rebuilt: true, dispose: () => {} };
  }
  if (cfg.activation === 'softmax') {
    const Ctor = last.constructor as unknown as {
      new (c: Record<string, unknown>): tf.layers.Layer;
    };
    const clone = new Ctor({ ...cfg, activation: 'linear', name: `${cfg.name}_logits` });
    const out = clone.apply(ins.length === 1 ? ins[0]! : ins) as tf.SymbolicTensor;
    clone.setWeights(last.getWeights());
    const m = tf.model({ inputs: model.inputs, outputs: out, name: `${model.name}_logits` });
    return { model: m, rebuilt: true, dispose: () => clone.weights.forEach((w) => w.dispose()) };
  }
  return { model, rebuilt: false, dispose: () => {} };
}

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
