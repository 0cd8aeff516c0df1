/**
 * "Which layer to cut?": the same linear classifier, same split and seed, on features taken at
 * several depths of a frozen network (each globally average-pooled where spatial) — the course's
 * "keep the lower layers, toss the higher ones" as a measured curve, and Razavian et al.'s (2014)
 * "CNN features off the shelf" baseline. One forward pass per image serves every depth.
 */
import * as tf from '@tensorflow/tfjs';
import { splitRows, type Dataset } from '../core/dataset';
import type { TrainConfig } from '../core/vocab';
import type { Backbone } from '../runtime/backbone';
import type { RgbImage } from '../runtime/preprocess';
import { fitStandardizer, standardize, subset, type FeatureSet } from './features';
import { linearHead } from './head';
import { cachedSource, trainHead } from './loop';
import { concatChunks } from './batches';

export interface ProbeLayer {
  layer: string;
  /** Feature size after pooling. */
  dim: number;
  /** Validation accuracy of the linear classifier after the last epoch. */
  valAcc: number;
  /** Time to train and evaluate this depth's classifier (the shared forward pass not included). */
  ms: number;
}

export interface ProbeOptions {
  image: (i: number) => RgbImage | null | Promise<RgbImage | null>;
  epochs?: number;
  seed?: number;
  batch?: number;
  onProgress?: (phase: 'features' | 'train', done: number, total: number) => void;
  /** Pooled rows computed earlier for some layers (the persistent feature cache), by layer name. */
  cached?: Record<string, ProbeRows | undefined>;
  /** Called with each freshly computed layer's rows (to cache them). */
  onLayerReady?: (layer: string, rows: ProbeRows) => void | Promise<void>;
}

/** One depth's pooled features: row k belongs to dataset item used[k]. */
export interface ProbeRows {
  x: Float32Array;
  dim: number;
  used: number[];
}

const sameItems = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Rows for every layer: cached ones as they are, the others in one shared forward pass. */
async function probeRows(backbone: Backbone, ds: Dataset, layers: string[], o: ProbeOptions): Promise<Map<string, ProbeRows>> {
  const rows = new Map<string, ProbeRows>();
  for (const l of layers) {
    const c = o.cached?.[l];
    if (c && c.x.length === c.used.length * c.dim) rows.set(l, c);
  }
  const compute = async (which: string[]) => {
    const { sets, dims, used } = await probeFeatures(backbone, ds, which, o);
    for (const [k, l] of which.entries()) {
      const r = { x: concatChunks(sets[k]!), dim: dims[k]!, used };
      rows.set(l, r);
      await o.onLayerReady?.(l, r);
    }
  };
  const missing = layers.filter((l) => !rows.has(l));
  if (missing.length) await compute(missing);
  // Every depth must describe the same paintings (a cache written when a file was unreadable may not).
  const first = rows.get(layers[0]!)!.used;
  const stale = layers.filter((l) => !sameItems(rows.get(l)!.used, first));
  if (stale.length) await compute(layers);
  return rows;
}

/** The recipe every depth gets: a linear classifier with Adam (no dropout, no weight decay). */
export function probeConfig(o: Pick<ProbeOptions, 'epochs' | 'seed'>): TrainConfig {
  return { optimizer: 'adam', lr: 0.001, momentum: 0, batchSize: 64, epochs: o.epochs ?? 20, dropout: 0, weightDecay: 0, seed: o.seed ?? 0 };
}

/** Pooled features of every requested layer for every readable item (rows in dataset order). */
export async function probeFeatures(backbone: Backbone, ds: Dataset, layers: string[], o: ProbeOptions): Promise<{ sets: Float32Array[][]; dims: number[]; used: number[] }> {
  for (const l of layers) backbone.model.getLayer(l); // throws "no such layer" with the name
  // Node 0: each layer as the backbone itself uses it (a fine-tuned model built on it adds nodes).
  const outputs = layers.map((l) => backbone.model.getLayer(l).getOutputAt(0) as tf.SymbolicTensor);
  const multi = tf.model({ inputs: backbone.model.inputs, outputs });
  const bs = o.batch ?? 16;
  const chunks: Float32Array[][] = layers.map(() => []);
  const dims: number[] = layers.map(() => 0);
  const used: number[] = [];
  for (let start = 0; start < ds.items.length; start += bs) {
    const idx: number[] = [];
    const pixels: RgbImage[] = [];
    for (let i = start; i < Math.min(start + bs, ds.items.length); i++) {
      const img = await Promise.resolve(o.image(i)).catch(() => null);
      if (img) {
        idx.push(i);
        pixels.push(img);
      }
    }
    if (pixels.length) {
      const outs = tf.tidy(() => {
        const x = tf.concat(pixels.map((p) => backbone.preprocess(p))) as tf.Tensor4D;
        const ys = multi.predict(x) as tf.Tensor | tf.Tensor[];
        return (Array.isArray(ys) ? ys : [ys]).map((y) => (y.rank === 4 ? y.mean([1, 2]) : y.reshape([y.shape[0]!, -1])) as tf.Tensor2D);
      });
      for (const [k, t] of outs.entries()) {
        dims[k] = t.shape[1];
        chunks[k]!.push((await t.data()) as Float32Array);
      }
      tf.dispose(outs);
      used.push(...idx);
    }
    o.onProgress?.('features', Math.min(start + bs, ds.items.length), ds.items.length);
  }
  return { sets: chunks, dims, used };
}

export async function layerProbe(backbone: Backbone, ds: Dataset, layers: string[], o: ProbeOptions): Promise<{ layers: ProbeLayer[]; chance: number }> {
  for (const l of layers) backbone.model.getLayer(l); // an unknown name fails before any work
  const rows = await probeRows(backbone, ds, layers, o);
  const used = rows.get(layers[0]!)!.used;
  const y = Int32Array.from(used.map((i) => ds.items[i]!.label));
  const { tr, va } = splitRows(ds, used);
  const config = probeConfig(o);
  const out: ProbeLayer[] = [];
  for (const [k, layer] of layers.entries()) {
    const t0 = performance.now();
    const r = rows.get(layer)!;
    const all: FeatureSet = { x: r.x, y, dim: r.dim, n: used.length };
    const stats = fitStandardizer(subset(all, tr));
    const train = standardize(subset(all, tr), stats);
    const val = standardize(subset(all, va), stats);
    const head = linearHead(all.dim, ds.classes.length, config.seed);
    try {
      const r = await trainHead(head, cachedSource(train), val, ds.classes.length, config);
      out.push({ layer, dim: all.dim, valAcc: r.epochs.at(-1)!.valAcc, ms: Math.round(performance.now() - t0) });
    } finally {
      head.dispose();
    }
    o.onProgress?.('train', k + 1, layers.length);
  }
  // Chance: always answering the most frequent validation class.
  const counts = new Map<number, number>();
  for (const k of va) counts.set(y[k]!, (counts.get(y[k]!) ?? 0) + 1);
  return { layers: out, chance: Math.max(...counts.values()) / va.length };
}
