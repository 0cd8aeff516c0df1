/**
 * What the fine-tuning pipeline shares: its option and result types, decoding items a batch
 * at a time (unreadable ones skipped and counted), and a layer's outputs as rows.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../core/dataset';
import type { Plan } from '../core/surgery';
import type { Strategy, TrainConfig } from '../core/vocab';
import { modelUpTo } from '../runtime/graph';
import type { RgbImage } from '../runtime/preprocess';
import type { Head } from './head';
import { timedWait, type TrainCallbacks, type TrainResult } from './loop';
import type { EvalResult } from './metrics';

export interface FineTuneOptions extends TrainCallbacks {
  strategy: Strategy;
  config: TrainConfig;
  /** Decoded pixels of item i, or null when it could not be read (skipped and counted). */
  image: (i: number) => RgbImage | null | Promise<RgbImage | null>;
  featureBatch?: number;
  onFeatures?: (done: number, total: number) => void;
  /**
   * Standardise the head's input features on the training split (default true): raw trunk
   * features can be large (‖x‖ ≈ 67 for SqueezeNet), which makes SGD at lr 0.01 oscillate.
   * The statistics are folded into the first head layer afterwards, so nothing changes for
   * whoever uses the exported model.
   */
  standardize?: boolean;
  /** Trunk features computed earlier for the same model, dataset and preprocessing. */
  cachedTrunk?: TrunkCache;
  /** Called once freshly computed trunk features are complete, before training (to cache them even if the run dies). */
  onTrunkReady?: (trunk: TrunkCache) => Promise<void> | void;
  /**
   * What the frozen pretrained layers (fc6, or fc6 + fc7) made of these trunk features earlier: they
   * never change, so a warm run trains the new layers only. Used when its layers match the plan's.
   */
  cachedFrozen?: FrozenCache;
  /** Called once the frozen layers' outputs are computed (to cache them). */
  onFrozenReady?: (frozen: FrozenCache) => Promise<void> | void;
}

export interface FrozenCache {
  /** The frozen layers applied, in order (the cache is only valid for these). */
  layers: string[];
  x: Float32Array;
  dim: number;
  /** The same layers applied to the augmented views, when there are any. */
  augX?: Float32Array;
}

export interface TrunkCache {
  x: Float32Array;
  dim: number;
  used: number[];
  /** Augmented views of the training images: `v` rows per entry of `items`. */
  aug?: { v: number; x: Float32Array; items: number[] };
}

export interface FineTuneResult {
  plan: Plan;
  head: Head;
  train: TrainResult;
  evaluation: EvalResult;
  /** Indices (into dataset.items) actually used, train then validation. */
  trainItems: number[];
  valItems: number[];
  unreadable: number;
  featureMs: number;
  trunk: TrunkCache;
  fromCache: boolean;
  /** With unfreezeBlock: the block's layers and weights (original, last epoch, best epoch). */
  block?: { layers: string[]; original: Float32Array[]; last: Float32Array[]; best: Float32Array[] | null };
}

/** One array from chunks, in order. */
export function concatChunks(chunks: Float32Array[]): Float32Array {
  const out = new Float32Array(chunks.reduce((a, c) => a + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/**
 * Items [start, start + bs) decoded (a batch at a time: 4,000 decoded paintings would hold
 * ~800 MB); unreadable ones are left out and counted, never fed to the network.
 */
export async function decodeBatch(o: FineTuneOptions, n: number, start: number, bs: number) {
  /** A pause, or the model worker's work: not the features' time. */
  const waitedMs = await timedWait(o);
  if (o.shouldStop?.()) throw new Error('stopped while computing features');
  const idx: number[] = [];
  const pixels: RgbImage[] = [];
  let unreadable = 0;
  for (let i = start; i < Math.min(start + bs, n); i++) {
    let img: RgbImage | null = null;
    try {
      img = await o.image(i);
    } catch {
      img = null;
    }
    if (img) {
      idx.push(i);
      pixels.push(img);
    } else unreadable++;
  }
  return { idx, pixels, unreadable, waitedMs };
}

/** Row-major outputs of `layer` for every readable item, decoded a batch at a time. */
export async function layerRows(model: tf.LayersModel, layer: string, ds: Dataset, bs: number, preprocess: (p: RgbImage) => tf.Tensor4D, o: FineTuneOptions) {
  const lower = modelUpTo(model, layer);
  const used: number[] = [];
  const chunks: Float32Array[] = [];
  let unreadable = 0;
  let waitedMs = 0;
  for (let start = 0; start < ds.items.length; start += bs) {
    const batch = await decodeBatch(o, ds.items.length, start, bs);
    const { idx, pixels } = batch;
    unreadable += batch.unreadable;
    waitedMs += batch.waitedMs;
    if (pixels.length) {
      const t = tf.tidy(() => {
        const a = lower.predict(tf.concat(pixels.map(preprocess))) as tf.Tensor;
        return a.reshape([a.shape[0]!, -1]);
      });
      chunks.push((await t.data()) as Float32Array);
      t.dispose();
      used.push(...idx);
    }
    o.onFeatures?.(Math.min(start + bs, ds.items.length), ds.items.length);
  }
  const x = concatChunks(chunks);
  return { x, dim: used.length ? x.length / used.length : 0, used, unreadable, waitedMs };
}

