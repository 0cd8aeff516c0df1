/**
 * Large dense layers on GPUs with small buffers. VGG16's fc6 kernel is one 411 MB tensor and
 * AlexNet's 151 MB; a WebGPU device may bind no more than 128 MiB per buffer (the limit every
 * adapter guarantees; common on phones and integrated GPUs), a WebGL texture no more than its
 * max size squared. At load time a dense layer whose kernel is too large for the running
 * backend is split by input rows into pieces that fit, and the layer computes
 * Σᵢ x[:, rowsᵢ] · Wᵢ + b — the same function, differentiable for saliency maps.
 *
 * The layer's own kernel variable keeps the full weights (export and saving read it from
 * memory on the CPU side; nothing uploads it to the GPU because nothing computes with it);
 * the pieces belong to the layer and are disposed with its weights. A split layer is frozen:
 * its kernel no longer takes part in the computation, so it could not be trained.
 */
import * as tf from '@tensorflow/tfjs';

/** The largest tensor (bytes) the running backend can hold in one buffer; null: no limit to respect. */
export function deviceBufferLimit(): number | null {
  const name = tf.getBackend();
  try {
    if (name === 'webgpu') {
      const limits = (tf.backend() as unknown as { device?: { limits?: { maxStorageBufferBindingSize?: number; maxBufferSize?: number } } }).device?.limits;
      const binding = limits?.maxStorageBufferBindingSize ?? Infinity;
      const buffer = limits?.maxBufferSize ?? Infinity;
      const m = Math.min(binding, buffer);
      return Number.isFinite(m) ? m : null;
    }
    if (name === 'webgl') {
      // One float per texel (unpacked) is the conservative reading of a max-size square texture.
      const size = tf.env().getNumber('WEBGL_MAX_TEXTURE_SIZE');
      return size > 0 ? size * size * 4 : null;
    }
  } catch {
    /* no limit known */
  }
  return null;
}

export interface SplitLayer {
  layer: string;
  /** The kernel's size in bytes (float32). */
  bytes: number;
  parts: number;
}

type Activation = { apply(x: tf.Tensor): tf.Tensor } | null;
interface DenseInternals {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  activation: Activation;
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: unknown): tf.Tensor;
  disposeWeights(): number;
}

const pieces = new WeakMap<tf.LayerVariable, tf.Tensor2D[]>();

/** The tensors a split kernel computes with (for checks that must not read the whole kernel on the device). */
export function kernelPieces(v: tf.LayerVariable): readonly tf.Tensor2D[] | undefined {
  return pieces.get(v);
}

/**
 * Splits every dense layer whose kernel exceeds `maxBytes` (rank-2 input only), in place.
 * Returns what was split. Reads each such kernel once, asynchronously, from where it lies.
 */
export async function splitLargeDense(model: tf.LayersModel, maxBytes: number): Promise<SplitLayer[]> {
  const done: SplitLayer[] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'Dense') continue;
    const dense = layer as unknown as DenseInternals;
    const kernel = dense.kernel;
    if (!kernel || pieces.has(kernel)) continue;
    const [rows, units] = kernel.shape as [number, number];
    const bytes = rows * units * 4;
    if (bytes <= maxBytes) continue;
    let rank = 2;
    try {
      rank = (layer.input as tf.SymbolicTensor).shape.length;
    } catch {
      /* a layer used at several shapes: leave it alone */
      continue;
    }
    if (rank !== 2) continue;
    const rowsPer = Math.floor(maxBytes / (units * 4));
    if (rowsPer < 1) throw new Error(`layer ${layer.name}: one row of its kernel (${units} units) is larger than this device's ${maxBytes}-byte buffers`);
    const values = (await kernel.read().data()) as Float32Array;
    const parts: tf.Tensor2D[] = [];
    for (let r = 0; r < rows; r += rowsPer) {
      const n = Math.min(rowsPer, rows - r);
      parts.push(tf.tensor2d(values.slice(r * units, (r + n) * units), [n, units]));
    }
    pieces.set(kernel, parts);
    const starts = parts.map((_, i) => i * rowsPer);
    dense.call = (inputs) =>
      tf.tidy(() => {
        const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor2D;
        let y: tf.Tensor2D = tf.matMul(x.slice([0, starts[0]!], [-1, parts[0]!.shape[0]]), parts[0]!);
        for (let i = 1; i < parts.length; i++) y = y.add(tf.matMul(x.slice([0, starts[i]!], [-1, parts[i]!.shape[0]]), parts[i]!));
        if (dense.bias) y = y.add(dense.bias.read());
        return dense.activation ? dense.activation.apply(y) : y;
      });
    const disposeWeights = dense.disposeWeights.bind(layer);
    dense.disposeWeights = () => {
      tf.dispose(pieces.get(kernel));
      pieces.delete(kernel);
      return disposeWeights();
    };
    layer.trainable = false;
    done.push({ layer: layer.name, bytes, parts: parts.length });
  }
  return done;
}

/** Splits what the running backend cannot hold (nothing on WASM/CPU). */
export async function fitDenseToDevice(model: tf.LayersModel): Promise<{ limit: number | null; split: SplitLayer[] }> {
  const limit = deviceBufferLimit();
  return { limit, split: limit === null ? [] : await splitLargeDense(model, limit) };
}

export function describeSplit(limit: number | null, split: SplitLayer[]): string | null {
  if (!split.length || limit === null) return null;
  const mb = (b: number) => `${Math.round(b / 1e6)} MB`;
  const what = split.map((s) => `${s.layer} (${mb(s.bytes)}) in ${s.parts} parts`).join(', ');
  return `This GPU holds at most ${mb(limit)} in one buffer, so ${what} runs split; results are the same`;
}
