/**
 * Every word list of the app in one place, one `Record` each: saliency methods, backends,
 * surgery strategies, the course recipe. The URL parser, the keyboard cycle, the selects and
 * the error messages are derived from these (as mobilenet derives its messages from MODEL_INFO).
 * No TF.js here: the page imports it.
 */

export type SaliencyMethod = 'vanilla' | 'smoothgrad' | 'integrated-gradients' | 'gradient-x-input' | 'gradcam';

export const SALIENCY_METHOD_INFO: Record<SaliencyMethod, { label: string; short: string; note: string }> = {
  vanilla: { label: 'Vanilla gradient (Simonyan et al. 2014)', short: 'Vanilla gradient', note: 'One backward pass: |∂S_c/∂I| at the image, max over colour channels.' },
  smoothgrad: { label: 'SmoothGrad', short: 'SmoothGrad', note: 'Average the gradient over noisy copies of the image: less speckle, same idea.' },
  'integrated-gradients': { label: 'Integrated Gradients', short: 'Integrated Gradients', note: 'Accumulate gradients along a path from a baseline image to yours.' },
  'gradient-x-input': { label: 'Gradient × Input', short: 'Gradient × Input', note: 'Gradient times pixel value: where a change matters and the pixel contributes.' },
  gradcam: { label: 'Grad-CAM', short: 'Grad-CAM', note: 'Class-weighted feature maps of a conv layer, upsampled: coarse but object-shaped.' },
};
/** In menu and keyboard-cycle order. */
export const SALIENCY_METHODS = Object.keys(SALIENCY_METHOD_INFO) as SaliencyMethod[];
export function isSaliencyMethod(s: string): s is SaliencyMethod {
  return Object.hasOwn(SALIENCY_METHOD_INFO, s);
}

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
/** `label`: the backend select; `chip`: the header chip, in words a student knows (which part of the computer; how is in its panel). */
export const BACKEND_INFO: Record<BackendName, { label: string; chip: string }> = {
  webgpu: { label: 'WebGPU', chip: 'GPU' },
  webgl: { label: 'WebGL', chip: 'GPU' },
  wasm: { label: 'WebAssembly (WASM)', chip: 'CPU' },
  cpu: { label: 'CPU (plain JavaScript)', chip: 'CPU (slow)' },
};
/** Fastest first: the order automatic selection tries them in. */
export const BACKEND_ORDER = Object.keys(BACKEND_INFO) as BackendName[];
export function isBackendName(s: string): s is BackendName {
  return Object.hasOwn(BACKEND_INFO, s);
}

export type Strategy = 'fc8' | 'fc7-fc8' | 'fc6-head' | 'all-fc';
export const STRATEGY_INFO: Record<Strategy, { label: string }> = {
  fc8: { label: 'Replace last FC (new fc8; trunk, fc6, fc7 frozen)' },
  'fc7-fc8': { label: 'Replace last two FC (new fc7 + fc8; trunk, fc6 frozen) — the course recipe' },
  'fc6-head': { label: 'Remove fc7 + fc8, new classifier on fc6' },
  'all-fc': { label: 'Fine-tune all FC layers (pretrained fc6, fc7 + new fc8)' },
};
export const STRATEGIES = Object.keys(STRATEGY_INFO) as Strategy[];
export function isStrategy(s: string): s is Strategy {
  return Object.hasOwn(STRATEGY_INFO, s);
}

export interface TrainConfig {
  optimizer: 'sgd' | 'adam';
  lr: number;
  momentum: number;
  batchSize: number;
  epochs: number;
  dropout: number;
  weightDecay: number;
  seed: number;
  /** Augmented views (random crop + flip) cached per training image; 0 = off. */
  augmentViews?: number;
  /** Also train the last conv block, at lr × blockLrScale (default 0.1). */
  unfreezeBlock?: boolean;
  blockLrScale?: number;
  /** Lecture pace: spread each epoch's batches over at least this many ms so a class can watch (0 = as fast as it goes). */
  paceMs?: number;
  /** mixup's α: blend pairs of training examples and their labels, λ ~ Beta(α, α); 0 = off. */
  mixup?: number;
  /** The control: train on a trunk whose weights were re-drawn at random (seeded by `seed`). */
  trunk?: 'pretrained' | 'random';
}

/** The course's recipe: SGD lr 0.01, momentum 0.9, batch 128, dropout 0.5, 10 epochs. */
export const COURSE_RECIPE: Readonly<TrainConfig> = Object.freeze({ optimizer: 'sgd', lr: 0.01, momentum: 0.9, batchSize: 128, epochs: 10, dropout: 0.5, weightDecay: 0, seed: 0 });

/** A number's allowed range: the CLIs refuse a value outside it, the page clamps and says so. */
export interface NumberRange {
  min: number;
  max: number;
  integer?: boolean;
  /** min itself is not allowed (the page then uses `step` above it). */
  exclusiveMin?: boolean;
  /** max itself is not allowed. */
  exclusiveMax?: boolean;
}

export const RECIPE_RANGES = {
  lr: { min: 0, max: 10, exclusiveMin: true },
  momentum: { min: 0, max: 1, exclusiveMax: true },
  batchSize: { min: 1, max: 65536, integer: true },
  epochs: { min: 1, max: 10000, integer: true },
  dropout: { min: 0, max: 1, exclusiveMax: true },
  weightDecay: { min: 0, max: 1 },
  seed: { min: 0, max: 2 ** 32 - 1, integer: true },
  augmentViews: { min: 0, max: 32, integer: true },
  mixup: { min: 0, max: 4 },
  blockLrScale: { min: 0, max: 10, exclusiveMin: true },
  valFraction: { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true },
} satisfies Record<string, NumberRange>;

/**
 * The nearest allowed value, and whether it had to move. A value on or past an exclusive bound moves
 * `step` inside it; anything strictly inside is kept as typed (a learning rate of 1e-4 is fine: it
 * once became 0.001, the bound plus the field's step).
 */
export function clampToRange(v: number, r: NumberRange, step = 0.001): { value: number; clamped: boolean } {
  let x = r.integer ? Math.round(v) : v;
  if (r.exclusiveMin ? x <= r.min : x < r.min) x = r.exclusiveMin ? r.min + step : r.min;
  if (r.exclusiveMax ? x >= r.max : x > r.max) x = r.exclusiveMax ? r.max - step : r.max;
  return { value: x, clamped: x !== v };
}

/** "Which layer to cut?": the depths the layer probe compares, per architecture (pooled where spatial). */
export const PROBE_LAYERS: Record<string, string[]> = {
  alexnet: ['conv3', 'conv4', 'pool5', 'fc6', 'fc7'],
  vgg16: ['block3_pool', 'block4_pool', 'block5_pool', 'fc6', 'fc7'],
  squeezenet1_1: ['fire5_concat', 'fire7_concat', 'fire9_concat', 'conv10'],
};

/** A strategy in the model's own layer names (SqueezeNet's classifier is conv10, not fc6–fc8). */
export function strategyLabel(s: Strategy, classifierLayers: readonly string[], short = false): string {
  const L = classifierLayers.length ? classifierLayers : ['fc6', 'fc7', 'fc8'];
  const last = L[L.length - 1]!;
  const before = (k: number) => L.slice(0, Math.max(0, L.length - k));
  // A model with one classifier layer (SqueezeNet's conv10) has only 'fc8': the others keep the
  // course's AlexNet names, as the long labels do, so no two options read the same.
  if (short && L.length < 2 && s !== 'fc8') return strategyLabel(s, ['fc6', 'fc7', 'fc8'], true);
  // Short: what fits a select on a projector (the layer table below says the rest).
  if (short)
    switch (s) {
      case 'fc8':
        return `New ${last} only`;
      case 'fc7-fc8':
        return `New ${L[L.length - 2]} + ${last} (course)`;
      case 'fc6-head':
        return `New classifier on ${L[0]}`;
      case 'all-fc':
        return `Fine-tune all + new ${last}`;
    }
  switch (s) {
    case 'fc8':
      return `Replace the last layer (new ${last}; trunk${before(1).length ? `, ${before(1).join(', ')}` : ''} frozen)`;
    case 'fc7-fc8':
      return L.length < 2 ? STRATEGY_INFO[s].label : `Replace the last two layers (new ${L[L.length - 2]} + ${last}; trunk${before(2).length ? `, ${before(2).join(', ')}` : ''} frozen) — the course recipe`;
    case 'fc6-head':
      return L.length < 2 ? STRATEGY_INFO[s].label : `Remove ${L.slice(1).join(' + ')}, a new classifier on ${L[0]}`;
    case 'all-fc':
      return L.length < 2 ? STRATEGY_INFO[s].label : `Fine-tune all classifier layers (pretrained ${before(1).join(', ')} + new ${last})`;
  }
}
