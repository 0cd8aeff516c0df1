/**
 * The new classifier head (and the trainable body in front of it when a conv block is
 * unfrozen) as plain variables: init from our seeded PRNG or the pretrained layer, apply,
 * snapshot and restore. One owner, one dispose().
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../core/random';
import type { Plan } from '../core/surgery';

/** Trainable layers in front of the head (the unfrozen conv block and what follows it). */
export interface Body {
  /** Cached rows [N, dim] → the head's input features [N, featureDim]. */
  forward(x: tf.Tensor2D): tf.Tensor2D;
  variables: tf.Variable[];
}

export interface HeadLayer {
  name: string;
  /** The kernel: [in, units], or [units, in] where `outIn` (see OUT_IN_WEIGHTS). */
  w: tf.Variable;
  b: tf.Variable;
  activation: 'relu' | 'linear';
  dropoutBefore: boolean;
  outIn: boolean;
}

/**
 * Kernels from this many weights up are kept as [units, in] (PyTorch's layout) and applied as
 * x·Wᵀ. A big kernel that changes every step is what a CPU matmul handles worst as x·W: the WASM
 * backend's XNNPACK repacks W after each update (AlexNet's new fc7: 316 ms a batch of 128, 90 of
 * them the product itself), while as x·Wᵀ = (W·xᵀ)ᵀ it reads W in place and packs only the batch
 * (70 ms). The weight gradient dyᵀ·x packs only the batch either way. GPUs take either layout.
 * Outside the head (snapshots, checkpoints, export) every kernel is [in, units].
 */
export const OUT_IN_WEIGHTS = 1 << 20;

export const inDim = (l: HeadLayer): number => l.w.shape[l.outIn ? 1 : 0]!;
export const units = (l: HeadLayer): number => l.w.shape[l.outIn ? 0 : 1]!;

/** One layer of the head on h: activation(h·W + b). */
export function applyLayer(h: tf.Tensor2D, l: HeadLayer): tf.Tensor2D {
  const y = (l.outIn ? h.matMul(l.w, false, true) : h.matMul(l.w)).add(l.b) as tf.Tensor2D;
  return l.activation === 'relu' ? y.relu() : y;
}

/**
 * A [rows, cols] row-major matrix transposed, in 16 × 16 tiles that stay in cache, each written
 * a row of the output at a time (fc7's 4096 × 4096: 74 ms where 64 × 64 tiles read a row at a
 * time took 116 ms; it runs after every epoch for the snapshot).
 */
export function transposed(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  const B = 16;
  for (let c0 = 0; c0 < cols; c0 += B)
    for (let r0 = 0; r0 < rows; r0 += B) {
      const r1 = Math.min(rows, r0 + B);
      const c1 = Math.min(cols, c0 + B);
      for (let c = c0; c < c1; c++) {
        const o = c * rows;
        for (let r = r0; r < r1; r++) out[o + r] = a[r * cols + c]!;
      }
    }
  return out;
}

export class Head {
  constructor(readonly layers: HeadLayer[]) {}
  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => [l.w, l.b]);
  }
  /** Logits for x [N, dim]; `mask(i, shape)` supplies dropout masks while training. */
  apply(x: tf.Tensor2D, masks?: (tf.Tensor | null)[]): tf.Tensor2D {
    let h: tf.Tensor2D = x;
    this.layers.forEach((l, i) => {
      const m = masks?.[i];
      if (m) h = h.mul(m);
      h = applyLayer(h, l);
    });
    return h;
  }
  /** Every weight's values, kernels as [in, units] whatever the layout they train in. */
  snapshot(): Float32Array[] {
    return this.layers.flatMap((l) => {
      const w = l.w.dataSync() as Float32Array;
      return [l.outIn ? transposed(w, units(l), inDim(l)) : w.slice(), (l.b.dataSync() as Float32Array).slice()];
    });
  }
  /**
   * snapshot() read asynchronously: the training loop's copy after every epoch. On WebGPU a
   * synchronous read goes through a canvas 256 × 256 pixels at a time and stalls the worker
   * (TF.js warns of it); here the buffers are mapped and read as a GPU allows.
   */
  async snapshotAsync(): Promise<Float32Array[]> {
    const raw = (await Promise.all(this.layers.flatMap((l) => [l.w.data(), l.b.data()]))) as Float32Array[];
    // A copy of each array: the CPU backend hands out the tensor's own values.
    return this.layers.flatMap((l, i) => [l.outIn ? transposed(raw[2 * i]!, units(l), inDim(l)) : raw[2 * i]!.slice(), raw[2 * i + 1]!.slice()]);
  }
  /** Sets the weights from a snapshot (kernels as [in, units]). */
  restore(values: Float32Array[]): void {
    // tidy: the tensor made from each array is only a source for the assignment.
    tf.tidy(() =>
      this.layers.forEach((l, i) => {
        const k = values[2 * i]!;
        l.w.assign(tf.tensor(l.outIn ? transposed(k, inDim(l), units(l)) : k, l.w.shape));
        l.b.assign(tf.tensor(values[2 * i + 1]!, l.b.shape));
      }),
    );
  }
  /** Layer i's kernel as [in, units] (a new tensor where it trains as [units, in]: the caller disposes it). */
  kernel(i: number): tf.Tensor2D {
    const l = this.layers[i]!;
    return (l.outIn ? l.w.transpose() : l.w) as tf.Tensor2D;
  }
  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/** A trainable variable from a fresh tensor, which it replaces (tf.variable keeps its own reference). */
function variableOf(t: tf.Tensor, name: string): tf.Variable {
  const v = tf.variable(t, true, name);
  t.dispose();
  return v;
}

/** Glorot-uniform init from our seeded PRNG, or the pretrained layer's weights. */
export function createHead(model: tf.LayersModel, plan: Plan, inDim: number, seed: number): Head {
  const rand = mulberry32(seed ^ 0x5eed);
  let dim = inDim;
  const layers = plan.head.map((spec, i): HeadLayer => {
    let w: tf.Variable;
    let b: tf.Variable;
    const outIn = dim * spec.units >= OUT_IN_WEIGHTS;
    if (spec.initFrom) {
      const [k, bias] = model.getLayer(spec.initFrom).getWeights();
      w = variableOf(outIn ? k!.transpose() : k!.clone(), `head_${i}_w_${seed}_${Date.now()}`);
      b = variableOf(bias!.clone(), `head_${i}_b_${seed}_${Date.now()}`);
    } else {
      // Drawn in [in, units] order whatever the layout: the same seed gives the same network.
      const limit = Math.sqrt(6 / (dim + spec.units));
      const vals = new Float32Array(dim * spec.units);
      for (let j = 0; j < vals.length; j++) vals[j] = (rand() * 2 - 1) * limit;
      w = variableOf(outIn ? tf.tensor2d(transposed(vals, dim, spec.units), [spec.units, dim]) : tf.tensor2d(vals, [dim, spec.units]), `head_${i}_w_${seed}_${Date.now()}`);
      b = variableOf(tf.zeros([spec.units]), `head_${i}_b_${seed}_${Date.now()}`);
    }
    dim = spec.units;
    return { name: spec.name, w, b, activation: spec.activation, dropoutBefore: spec.dropoutBefore, outIn };
  });
  return new Head(layers);
}


/** One linear layer, Glorot-uniform from our seeded PRNG: the probe's classifier (Razavian et al. 2014). */
export function linearHead(inDim: number, classes: number, seed: number): Head {
  const rand = mulberry32(seed ^ 0x9b0e);
  const limit = Math.sqrt(6 / (inDim + classes));
  const vals = Float32Array.from({ length: inDim * classes }, () => (rand() * 2 - 1) * limit);
  return new Head([{ name: 'probe', w: variableOf(tf.tensor2d(vals, [inDim, classes]), `probe_w_${seed}_${Date.now()}`), b: variableOf(tf.zeros([classes]), `probe_b_${seed}_${Date.now()}`), activation: 'linear', dropoutBefore: false, outIn: false }]);
}
