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
  w: tf.Variable;
  b: tf.Variable;
  activation: 'relu' | 'linear';
  dropoutBefore: boolean;
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
      h = h.matMul(l.w).add(l.b);
      if (l.activation === 'relu') h = h.relu();
    });
    return h;
  }
  snapshot(): Float32Array[] {
    return this.variables.map((v) => v.dataSync() as Float32Array).map((a) => a.slice());
  }
  restore(values: Float32Array[]): void {
    // tidy: the tensor made from each array is only a source for the assignment.
    tf.tidy(() => this.variables.forEach((v, i) => v.assign(tf.tensor(values[i]!, v.shape))));
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
    if (spec.initFrom) {
      const [k, bias] = model.getLayer(spec.initFrom).getWeights();
      w = variableOf(k!.clone(), `head_${i}_w_${seed}_${Date.now()}`);
      b = variableOf(bias!.clone(), `head_${i}_b_${seed}_${Date.now()}`);
    } else {
      const limit = Math.sqrt(6 / (dim + spec.units));
      const vals = new Float32Array(dim * spec.units);
      for (let j = 0; j < vals.length; j++) vals[j] = (rand() * 2 - 1) * limit;
      w = variableOf(tf.tensor2d(vals, [dim, spec.units]), `head_${i}_w_${seed}_${Date.now()}`);
      b = variableOf(tf.zeros([spec.units]), `head_${i}_b_${seed}_${Date.now()}`);
    }
    dim = spec.units;
    return { name: spec.name, w, b, activation: spec.activation, dropoutBefore: spec.dropoutBefore };
  });
  return new Head(layers);
}


/** One linear layer, Glorot-uniform from our seeded PRNG: the probe's classifier (Razavian et al. 2014). */
export function linearHead(inDim: number, classes: number, seed: number): Head {
  const rand = mulberry32(seed ^ 0x9b0e);
  const limit = Math.sqrt(6 / (inDim + classes));
  const vals = Float32Array.from({ length: inDim * classes }, () => (rand() * 2 - 1) * limit);
  return new Head([{ name: 'probe', w: variableOf(tf.tensor2d(vals, [inDim, classes]), `probe_w_${seed}_${Date.now()}`), b: variableOf(tf.zeros([classes]), `probe_b_${seed}_${Date.now()}`), activation: 'linear', dropoutBefore: false }]);
}
