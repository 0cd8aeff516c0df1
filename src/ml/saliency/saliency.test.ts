import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../../test/tfSetup';
import { modelFrom, modelUpTo } from '../runtime/graph';
import { CancelledError, inputGradient } from './gradients';
import { computeSaliency } from './saliency';
import { logitsModel } from './logitsModel';
import { SALIENCY_METHODS } from '../core/vocab';
import { spearman } from '../core/stats';
import { mulberry32 } from '../core/random';

beforeAll(tfReady);

const H = 4;
const W = 5;

function linearModel(seed = 1): { model: tf.LayersModel; w: Float32Array } {
  const rand = mulberry32(seed);
  const w = Float32Array.from({ length: H * W * 3 * 3 }, () => rand() * 2 - 1);
  const input = tf.input({ shape: [H, W, 3] });
  const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: 3, name: 'fc' });
  const model = tf.model({ inputs: input, outputs: dense.apply(flat) as tf.SymbolicTensor });
  dense.setWeights([tf.tensor2d(w, [H * W * 3, 3]), tf.tensor1d([0.1, -0.2, 0.3])]);
  return { model, w };
}

function smallConvNet(activation: 'linear' | 'softmax' = 'linear', seed = 3): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3] });
  let x = tf.layers.conv2d({ name: 'c1', filters: 4, kernelSize: 3, padding: 'same', activation: 'tanh', kernelInitializer: tf.initializers.glorotNormal({ seed }) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ name: 'c2', filters: 6, kernelSize: 3, activation: 'softplus', kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 1 }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
  const y = tf.layers.dense({ name: 'out', units: 5, activation, kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 2 }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: y });
}

const image = (shape: [number, number, number, number], seed = 9) => tf.randomUniform(shape, -1, 1, 'float32', seed) as tf.Tensor4D;

describe('vanilla gradient', () => {
  it('on a linear model S = W·I + b the map equals max_c |W_c| exactly', async () => {
    const { model, w } = linearModel();
    const x = image([1, H, W, 3]);
    for (const c of [0, 2]) {
      const { map } = await computeSaliency(model, x, { method: 'vanilla', classIndex: c });
      for (let p = 0; p < H * W; p++) {
        const expected = Math.max(...[0, 1, 2].map((ch) => Math.abs(w[(p * 3 + ch) * 3 + c]!)));
        expect(map[p]).toBeCloseTo(expected, 6);
      }
    }
    const { map: summed } = await computeSaliency(model, x, { method: 'vanilla', classIndex: 1, aggregate: 'sum' });
    expect(summed[0]).toBeCloseTo([0, 1, 2].reduce((a, ch) => a + Math.abs(w[ch * 3 + 1]!), 0), 6);
    x.dispose();
  });

  it('matches central finite differences on a small conv net', async () => {
    const model = smallConvNet();
    const x = image([1, 8, 8, 3]);
    const c = 3;
    const g = await inputGradient(model, x, c).data();
    const xs = await x.data();
    const score = (v: Float32Array) => tf.tidy(() => (model.predict(tf.tensor4d(v, [1, 8, 8, 3])) as tf.Tensor).dataSync()[c]!);
    const eps = 1e-2;
    const rand = mulberry32(4);
    for (let t = 0; t < 12; t++) {
      const i = Math.floor(rand() * xs.length);
      const plus = Float32Array.from(xs);
      const minus = Float32Array.from(xs);
      plus[i]! += eps;
      minus[i]! -= eps;
      const fd = (score(plus) - score(minus)) / (2 * eps);
      expect(Math.abs(fd - g[i]!)).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd));
    }
    x.dispose();
  });

  it('differentiates the logit, not the softmax, of a model that ends in softmax', async () => {
    const soft = smallConvNet('softmax', 5);
    const lin = smallConvNet('linear', 5);
    lin.setWeights(soft.getWeights());
    const x = image([1, 8, 8, 3]);
    const wrapped = logitsModel(soft);
    expect(wrapped.rebuilt).toBe(true);
    const a = await computeSaliency(wrapped.model, x, { method: 'vanilla', classIndex: 2 });
    const b = await computeSaliency(lin, x, { method: 'vanilla', classIndex: 2 });
    a.map.forEach((v, i) => expect(v).toBeCloseTo(b.map[i]!, 5));
    // … and the probability's gradient is a different map.
    const p = await computeSaliency(lin, x, { method: 'vanilla', classIndex: 2, target: 'prob' });
    expect(spearman(p.map, b.map)).toBeLessThan(0.999);
    wrapped.dispose();
    x.dispose();
  });

  it('also unwraps a separate Softmax activation layer', async () => {
    const base = smallConvNet('linear', 6);
    const out = tf.layers.activation({ activation: 'softmax' }).apply(base.outputs[0]!) as tf.SymbolicTensor;
    const soft = tf.model({ inputs: base.inputs, outputs: out });
    const wrapped = logitsModel(soft);
    const x = image([1, 8, 8, 3]);
    const a = await computeSaliency(wrapped.model, x, { method: 'vanilla', classIndex: 1 });
    const b = await computeSaliency(base, x, { method: 'vanilla', classIndex: 1 });
    expect(Array.from(a.map)).toEqual(Array.from(b.map));
    x.dispose();
  });
});

describe('other methods', () => {
  it('Integrated Gradients on a linear model is |W ⊙ (x − baseline)| (completeness)', async () => {
    const { model, w } = linearModel(2);
    const x = image([1, H, W, 3]);
    const xs = await x.data();
    const { map } = await computeSaliency(model, x, { method: 'integrated-gradients', classIndex: 0, steps: 4, baseline: 'black', aggregate: 'sum' });
    for (let p = 0; p < H * W; p++) {
      const expected = [0, 1, 2].reduce((a, ch) => a + Math.abs(w[(p * 3 + ch) * 3]! * xs[p * 3 + ch]!), 0);
      expect(map[p]).toBeCloseTo(expected, 5);
    }
    x.dispose();
  });

  it('SmoothGrad with zero noise is the vanilla map; with noise it differs but stays related', async () => {
    const model = smallConvNet();
    const x = image([1, 8, 8, 3]);
    const v = await computeSaliency(model, x, { method: 'vanilla', classIndex: 0 });
    const s0 = await computeSaliency(model, x, { method: 'smoothgrad', classIndex: 0, samples: 3, noisePct: 0, batchSize: 2 });
    s0.map.forEach((m, i) => expect(m).toBeCloseTo(v.map[i]!, 5));
    const progress: number[] = [];
    const s = await computeSaliency(model, x, { method: 'smoothgrad', classIndex: 0, samples: 6, noisePct: 20, batchSize: 4, onProgress: (d) => progress.push(d) });
    expect(progress).toEqual([4, 6]);
    expect(Array.from(s.map)).not.toEqual(Array.from(v.map));
    expect(spearman(s.map, v.map)).toBeGreaterThan(0.3);
    x.dispose();
  });

  it('Gradient × Input and Grad-CAM give non-negative maps at the input resolution', async () => {
    const model = smallConvNet();
    const x = image([1, 8, 8, 3]);
    for (const method of ['gradient-x-input', 'gradcam'] as const) {
      const r = await computeSaliency(model, x, { method, classIndex: 4, layer: 'c2' });
      expect([r.width, r.height]).toEqual([8, 8]);
      expect(r.map.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
      expect(Math.max(...r.map)).toBeGreaterThan(0);
    }
    x.dispose();
  });

  it('cutting a model at a layer and re-joining it gives the same output', () => {
    const model = smallConvNet();
    const x = image([2, 8, 8, 3]);
    const whole = (model.predict(x) as tf.Tensor).dataSync();
    const joined = (modelFrom(model, 'c1').predict(modelUpTo(model, 'c1').predict(x)) as tf.Tensor).dataSync();
    Array.from(whole).forEach((v, i) => expect(joined[i]).toBeCloseTo(v, 5));
    x.dispose();
  });

  it('multi-pass methods stop when asked, without leaking tensors', async () => {
    const model = smallConvNet();
    const x = image([1, 8, 8, 3]);
    const before = tf.memory().numTensors;
    let calls = 0;
    await expect(
      computeSaliency(model, x, { method: 'smoothgrad', classIndex: 0, samples: 10, shouldStop: () => ++calls > 2 }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('no method leaks tensors', async () => {
    const model = smallConvNet();
    const x = image([1, 8, 8, 3]);
    for (const method of SALIENCY_METHODS) {
      const before = tf.memory().numTensors;
      await computeSaliency(model, x, { method, classIndex: 1, samples: 2, steps: 2, layer: 'c1' });
      expect(tf.memory().numTensors, method).toBe(before);
    }
    x.dispose();
  });

  it('rejects a class index outside the model', async () => {
    const model = smallConvNet();
    const x = image([1, 8, 8, 3]);
    await expect(computeSaliency(model, x, { method: 'vanilla', classIndex: 5 })).rejects.toThrow(/out of range 0\.\.4/);
    x.dispose();
  });

  it("'top1' explains the argmax class in the same pass that computes the logits", async () => {
    const model = smallConvNet('linear', 8);
    const x = image([1, 8, 8, 3]);
    const auto = await computeSaliency(model, x, { method: 'vanilla', classIndex: 'top1' });
    const z = (model.predict(x) as tf.Tensor).dataSync();
    const best = Array.from(z).indexOf(Math.max(...z));
    expect(auto.classIndex).toBe(best);
    Array.from(z).forEach((v, i) => expect(auto.logits[i]).toBeCloseTo(v, 5));
    const explicit = await computeSaliency(model, x, { method: 'vanilla', classIndex: best });
    expect(Array.from(auto.map)).toEqual(Array.from(explicit.map));
    expect(auto.score).toBeCloseTo(z[best]!, 5);
    x.dispose();
  });
});

