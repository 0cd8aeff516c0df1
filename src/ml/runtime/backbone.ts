/**
 * A loaded classifier and its metadata. `loadBackbone` returns an interface; the
 * implementation stays private (after tfjs-models/mobilenet).
 */
import * as tf from '@tensorflow/tfjs';
import { parseMeta, type ModelMeta } from '../core/metadata';
import { layersModelFromArtifacts } from './leanLoad';
import { preprocessImage, type RgbImage } from './preprocess';
import { describeSplit, fitDenseToDevice, kernelPieces } from './splitDense';

export interface Prediction {
  index: number;
  label: string;
  prob: number;
}

export interface Backbone {
  readonly model: tf.LayersModel;
  readonly meta: ModelMeta;
  /** False when the model had no TransferLens metadata and defaults are in use. */
  readonly metaFromFile: boolean;
  readonly warnings: string[];
  /** True when the model's last layer already applies a softmax. */
  readonly outputIsProbability: boolean;
  /** Replace metadata fields (the user fixing defaults for a plain TF.js model). */
  updateMeta(patch: Partial<ModelMeta>): void;
  /** [1,H,W,3] preprocessed input → class probabilities [1, classes]. Caller owns the result. */
  probabilities(input: tf.Tensor4D): tf.Tensor2D;
  preprocess(img: RgbImage): tf.Tensor4D;
  classify(img: RgbImage, topK?: number): Promise<Prediction[]>;
  dispose(): void;
}

export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

export interface LoadOptions {
  onProgress?: (fraction: number) => void;
  /** Run one prediction after loading so the first real one is fast. Default true. */
  warmup?: boolean;
}

function lastActivation(model: tf.LayersModel): string | undefined {
  const last = model.layers[model.layers.length - 1];
  const cfg = last?.getConfig() as { activation?: unknown } | undefined;
  if (last?.getClassName() === 'Softmax') return 'softmax';
  return typeof cfg?.activation === 'string' ? cfg.activation : undefined;
}

export function topK(probs: ArrayLike<number>, k: number, labels: string[]): Prediction[] {
  const idx = Array.from({ length: probs.length }, (_, i) => i);
  idx.sort((a, b) => probs[b]! - probs[a]!);
  return idx.slice(0, k).map((i) => ({ index: i, label: labels[i] ?? `class ${i}`, prob: probs[i]! }));
}

class LayersBackbone implements Backbone {
  meta: ModelMeta;
  readonly outputIsProbability: boolean;
  constructor(
    readonly model: tf.LayersModel,
    meta: ModelMeta,
    readonly metaFromFile: boolean,
    readonly warnings: string[],
  ) {
    this.meta = meta;
    this.outputIsProbability = lastActivation(model) === 'softmax';
  }

  updateMeta(patch: Partial<ModelMeta>): void {
    this.meta = { ...this.meta, ...patch };
  }

  probabilities(input: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const out = this.model.predict(input) as tf.Tensor;
      const flat = out.reshape([out.shape[0]!, -1]) as tf.Tensor2D;
      return this.outputIsProbability ? flat : tf.softmax(flat);
    });
  }

  preprocess(img: RgbImage): tf.Tensor4D {
    return preprocessImage(img, this.meta.inputSize, this.meta.preprocess);
  }

  async classify(img: RgbImage, k = 5): Promise<Prediction[]> {
    const probs = tf.tidy(() => this.probabilities(this.preprocess(img)));
    try {
      return topK(await probs.data(), k, this.meta.labels);
    } finally {
      probs.dispose();
    }
  }

  dispose(): void {
    this.model.dispose();
  }
}

/**
 * Names of the weights holding NaN or ±Infinity: one flag per weight, read once, asynchronously
 * (GPU backends in a worker may not support a synchronous read).
 */
export async function nonFiniteWeights(model: tf.LayersModel): Promise<string[]> {
  // A sum is finite exactly when no value is NaN or ±Infinity, bar an overflow past 3e38, which
  // the exact test then settles: no weight-sized temporary, where isFinite made two (VGG16's
  // fc6: +205 MB of WASM heap for good). A split kernel (splitDense) goes piece by piece.
  const pieces = (w: tf.LayerVariable) => kernelPieces(w) ?? [w.read()];
  /** One flag per weight (does any value fail `test`?), read in one go; one weight's temporaries at a time. */
  const flags = async (weights: tf.LayerVariable[], test: (t: tf.Tensor) => tf.Tensor): Promise<boolean[]> => {
    if (weights.length === 0) return [];
    const all = tf.tidy(() => tf.stack(weights.map((w) => tf.tidy(() => tf.stack(pieces(w).map((t) => test(t).any())).any()))));
    try {
      return Array.from(await all.data(), (v) => v !== 0);
    } finally {
      all.dispose();
    }
  };
  const summed = await flags(model.weights, (t) => tf.logicalNot(tf.isFinite(tf.sum(t))));
  const suspects = model.weights.filter((_, i) => summed[i]);
  const exact = await flags(suspects, (t) => tf.logicalNot(tf.isFinite(t)));
  return suspects.filter((_, i) => exact[i]).map((w) => w.originalName);
}

/** The layers model at a URL or behind an IOHandler, one copy of its weights at a time (leanLoad.ts). */
export async function loadLayers(source: string | tf.io.IOHandler, options: LoadOptions = {}): Promise<tf.LayersModel> {
  try {
    const handlers = typeof source === 'string' ? tf.io.getLoadHandlers(source, { onProgress: options.onProgress }) : [source];
    const handler = handlers.length === 1 ? handlers[0] : undefined;
    return handler?.load ? await layersModelFromArtifacts(await handler.load()) : await tf.loadLayersModel(source, { onProgress: options.onProgress });
  } catch (e) {
    // The cause kept: a CLI tells a path that is not there (exit 2) from a damaged model (exit 1).
    throw new ModelLoadError(explainLoadError(e), { cause: e });
  }
}

export async function loadBackbone(source: string | tf.io.IOHandler, options: LoadOptions = {}): Promise<Backbone> {
  return fromLayersModel(await loadLayers(source, options), options);
}

export async function fromLayersModel(model: tf.LayersModel, options: LoadOptions = {}): Promise<Backbone> {
  const inputShape = model.inputs[0]?.shape ?? [];
  const outShape = model.outputs[0]?.shape ?? [];
  if (model.inputs.length !== 1 || inputShape.length !== 4 || inputShape[3] !== 3) {
    model.dispose();
    throw new ModelLoadError(`expected one image input [batch, height, width, 3]; this model takes [${inputShape.map(String)}]`);
  }
  const numOutputs = outShape.slice(1).reduce<number>((a, b) => a * (b ?? 1), 1);
  const parsed = parseMeta(model.getUserDefinedMetadata(), {
    inputShape,
    numOutputs,
    name: model.name,
  });
  // Before anything reads the weights on the device: a kernel larger than its buffers is split.
  const fitted = await fitDenseToDevice(model);
  const splitNote = describeSplit(fitted.limit, fitted.split);
  if (splitNote) parsed.warnings.push(splitNote);
  const bad = await nonFiniteWeights(model);
  if (bad.length) parsed.warnings.push(`weights ${bad.slice(0, 3).join(', ')}${bad.length > 3 ? ` and ${bad.length - 3} more` : ''} hold NaN or infinite values: predictions will be meaningless`);
  const backbone = new LayersBackbone(model, parsed.meta, parsed.fromFile, parsed.warnings);
  if (options.warmup !== false) {
    try {
      const out = tf.tidy(() => backbone.probabilities(tf.zeros([1, ...parsed.meta.inputSize, 3]) as tf.Tensor4D));
      try {
        await out.data();
      } finally {
        out.dispose();
      }
    } catch (e) {
      backbone.dispose();
      throw new ModelLoadError(`the model loaded but could not run: ${(e as Error).message}`);
    }
  }
  return backbone;
}

/** Turn TF.js's terse loader errors into something a student can act on. */
export function explainLoadError(e: unknown): string {
  const msg = (e as Error)?.message ?? String(e);
  // Our own fetch errors already say what went wrong.
  if ((e as Error)?.name === 'FetchError' || (e as Error)?.name === 'ModelFileError') return msg;
  if (/404|Not Found/i.test(msg)) return `a model file is missing (HTTP 404): ${msg}`;
  if (/JSON|Unexpected token|parse/i.test(msg)) return `model.json is not valid JSON: ${msg}`;
  if (/shape|Shape/.test(msg)) return `the weights do not match the model (shape mismatch): ${msg}`;
  if (/memory|allocat|OOM/i.test(msg)) return `out of memory while loading the model: ${msg}`;
  if (/Failed to fetch|NetworkError|fetch/i.test(msg)) return `could not download the model: ${msg}`;
  return `could not load the model: ${msg}`;
}
