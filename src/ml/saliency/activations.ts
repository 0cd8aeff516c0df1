/**
 * Inside the network: one layer's activations for one image (a grid of channel maps, strongest
 * first, or a dense layer's strongest units) and the first convolution's filters as RGB tiles —
 * what CNN Explainer shows for its tiny net, here for any loaded layers model. Tensors in, plain
 * arrays out; nothing survives the call.
 */
import * as tf from '@tensorflow/tfjs';
import type { Preprocess } from '../core/metadata';
import { modelUpTo } from '../runtime/graph';

export interface ChannelStat {
  /** The channel (or unit) index in the layer's output. */
  index: number;
  /** Mean over the map (the unit's value for a dense layer): the order of the grid. */
  mean: number;
  min: number;
  max: number;
}

export interface LayerActivations {
  layer: string;
  /** The layer's output shape without the batch: [h, w, c] or [units]. */
  shape: number[];
  kind: 'spatial' | 'vector';
  /** Strongest first (by mean), at most `maxChannels`. */
  channels: ChannelStat[];
  /** Spatial only: channels.length tiles of tileH × tileW, each stretched over its own min..max to 0..255. */
  tiles: Uint8ClampedArray;
  tileH: number;
  tileW: number;
}

export interface ActivationOptions {
  maxChannels?: number;
  /** Maps larger than this (VGG's 224×224 block 1) are shrunk for display. */
  maxTile?: number;
}

/** `layer`'s output for the (preprocessed, batch-1) input `x`, ready to draw. */
export async function layerActivations(model: tf.LayersModel, x: tf.Tensor4D, layer: string, o: ActivationOptions = {}): Promise<LayerActivations> {
  const maxChannels = o.maxChannels ?? 64;
  const maxTile = o.maxTile ?? 112;
  const sub = modelUpTo(model, layer); // throws "No such layer" with the name
  const y = tf.tidy(() => {
    const out = sub.predict(x) as tf.Tensor;
    return out.rank === 4 ? (out.squeeze([0]) as tf.Tensor3D) : out.reshape([-1]);
  });
  try {
    const shape = y.shape.slice();
    if (y.rank !== 3) {
      const v = (await y.data()) as Float32Array;
      const order = Array.from(v.keys()).sort((a, b) => v[b]! - v[a]!).slice(0, maxChannels);
      const channels = order.map((i) => ({ index: i, mean: v[i]!, min: v[i]!, max: v[i]! }));
      return { layer, shape, kind: 'vector', channels, tiles: new Uint8ClampedArray(0), tileH: 0, tileW: 0 };
    }
    const [h, w] = shape as [number, number, number];
    const [means, mins, maxs] = await Promise.all(
      tf.tidy(() => [y.mean([0, 1]), y.min([0, 1]), y.max([0, 1])]).map(async (t) => {
        try {
          return (await t.data()) as Float32Array;
        } finally {
          t.dispose();
        }
      }),
    );
    const order = Array.from(means!.keys()).sort((a, b) => means![b]! - means![a]!).slice(0, maxChannels);
    const channels = order.map((i) => ({ index: i, mean: means![i]!, min: mins![i]!, max: maxs![i]! }));
    const scale = Math.min(1, maxTile / Math.max(h, w));
    const tileH = Math.max(1, Math.round(h * scale));
    const tileW = Math.max(1, Math.round(w * scale));
    const tilesT = tf.tidy(() => {
      let sel = tf.gather(y, order, 2) as tf.Tensor3D; // h × w × n
      if (scale < 1) sel = tf.image.resizeBilinear(sel, [tileH, tileW], true);
      const lo = tf.tensor1d(order.map((i) => mins![i]!));
      const span = tf.tensor1d(order.map((i) => Math.max(maxs![i]! - mins![i]!, 1e-12)));
      return sel.sub(lo).div(span).mul(255).transpose([2, 0, 1]); // n × h × w
    });
    try {
      const tiles = Uint8ClampedArray.from((await tilesT.data()) as Float32Array);
      return { layer, shape, kind: 'spatial', channels, tiles, tileH, tileW };
    } finally {
      tilesT.dispose();
    }
  } finally {
    y.dispose();
  }
}

export interface FilterTiles {
  layer: string;
  /** RGBA, count tiles of size × size, side by side in index order. */
  rgba: Uint8ClampedArray;
  kh: number;
  kw: number;
  count: number;
}

/** The first convolution that reads the 3 colour channels: the layer whose filters are pictures. */
export function firstColourConv(model: tf.LayersModel): tf.layers.Layer | null {
  for (const l of model.layers) {
    const k = l.getWeights()[0];
    if (k && k.rank === 4 && k.shape[2] === 3 && /conv/i.test(l.getClassName())) return l;
  }
  return null;
}

/**
 * The first convolution's filters as RGB tiles, each stretched over its own range (0 = mid grey
 * is not kept: per-filter min..max shows the pattern best, as cs231n's pictures do). Caffe
 * models read BGR: their filters are flipped back to RGB so an orange filter looks orange.
 */
export async function colourFilters(model: tf.LayersModel, preprocess: Preprocess): Promise<FilterTiles | null> {
  const layer = firstColourConv(model);
  if (!layer) return null;
  const kernel = layer.getWeights()[0]! as tf.Tensor4D; // kh × kw × 3 × n (owned by the layer)
  const [kh, kw, , count] = kernel.shape;
  const t = tf.tidy(() => {
    let k = kernel.transpose([3, 0, 1, 2]) as tf.Tensor4D; // n × kh × kw × 3
    if (preprocess.mode === 'caffe') k = k.reverse(3);
    const lo = k.min([1, 2, 3], true);
    const hi = k.max([1, 2, 3], true);
    const unit = k.sub(lo).div(hi.sub(lo).maximum(1e-12)).mul(255);
    return tf.concat([unit, tf.fill([count, kh, kw, 1], 255)], 3);
  });
  try {
    return { layer: layer.name, rgba: Uint8ClampedArray.from((await t.data()) as Float32Array), kh, kw, count };
  } finally {
    t.dispose();
  }
}
