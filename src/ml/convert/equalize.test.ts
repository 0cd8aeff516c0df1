/** Cross-layer equalisation: the function is unchanged, the channel ranges even out, uint8 error falls; ineligible layers are left alone. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../../test/tfSetup';
import { encodeWeights } from './artifacts';
import { equalizeChannels } from './equalize';
import type { NamedWeight } from './stateDict';

beforeAll(tfReady);

/** conv1 (relu) → pool → conv2a, conv2b (relu) → concat → conv3 (relu) → flatten → fc (relu) → out (linear): every rule in one graph. */
function net(): tf.LayersModel {
  const input = tf.input({ shape: [6, 6, 3] });
  const conv = (name: string, filters: number, x: tf.SymbolicTensor) => tf.layers.conv2d({ name, filters, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  let x = conv('conv1', 4, input);
  x = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(x) as tf.SymbolicTensor;
  const a = conv('conv2a', 3, x);
  const b = conv('conv2b', 2, x);
  x = tf.layers.concatenate({ name: 'cat' }).apply([a, b]) as tf.SymbolicTensor;
  x = conv('conv3', 2, x);
  x = tf.layers.flatten({ name: 'flat' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ name: 'fc', units: 5, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  const y = tf.layers.dense({ name: 'out', units: 3 }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: y });
}

/** Seeded weights whose output channels differ in scale by up to 50×, as in trained networks. */
function unevenWeights(model: tf.LayersModel): NamedWeight[] {
  let seed = 1;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  return model.weights.map((v) => {
    const shape = v.shape as number[];
    const out = shape.at(-1)!;
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1)).map((_, i) => rand() * (1 + 49 * ((i % out) / Math.max(1, out - 1))) * (v.originalName.endsWith('bias') ? 0.1 : 1));
    return { name: v.originalName, shape, data };
  });
}

async function outputs(model: tf.LayersModel, weights: NamedWeight[]): Promise<Float32Array> {
  const byName = new Map(weights.map((w) => [w.name, w]));
  model.setWeights(model.weights.map((v) => tf.tensor(byName.get(v.originalName)!.data, v.shape as number[])));
  const x = tf.randomUniform([4, 6, 6, 3], -1, 1, 'float32', 3);
  const y = model.predict(x) as tf.Tensor;
  const out = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  return out;
}

/** The weights as per-tensor uint8 gives them back (what TF.js dequantises from the files). */
function throughUint8(weights: NamedWeight[]): NamedWeight[] {
  const { specs, data } = encodeWeights(weights, 'uint8');
  let off = 0;
  return weights.map((w, k) => {
    const q = specs[k]!.quantization as { scale: number; min: number };
    const back = w.data.map((_, i) => data[off + i]! * q.scale + q.min);
    off += w.data.length;
    return { ...w, data: back };
  });
}

/** Relative squared error of the model's outputs with uint8 weights. */
async function uint8Error(model: tf.LayersModel, weights: NamedWeight[]): Promise<number> {
  const exact = await outputs(model, weights);
  const q = await outputs(model, throughUint8(weights));
  let e = 0;
  let v = 0;
  for (let i = 0; i < exact.length; i++) {
    e += (q[i]! - exact[i]!) ** 2;
    v += exact[i]! ** 2;
  }
  return e / v;
}

describe('equalizeChannels', () => {
  it('equalises every producer whose channels reach only weighted layers, through pool, concat and flatten; never the output layer', () => {
    const model = net();
    const w = unevenWeights(model);
    expect(equalizeChannels(model, w).sort()).toEqual(['conv1', 'conv2a', 'conv2b', 'conv3', 'fc']);
    model.dispose();
  });

  it('leaves the function unchanged and cuts the per-tensor uint8 error', async () => {
    const model = net();
    const w = unevenWeights(model);
    const before = await outputs(model, w);
    const errBefore = await uint8Error(model, w);
    const eq = w.map((x) => ({ ...x, data: x.data.slice() }));
    equalizeChannels(model, eq);
    const after = await outputs(model, eq);
    const scale = Math.max(...Array.from(before, Math.abs));
    for (let i = 0; i < before.length; i++) expect(Math.abs(after[i]! - before[i]!)).toBeLessThan(1e-4 * scale);
    expect(eq.some((x, i) => x.data.some((v, j) => v !== w[i]!.data[j]))).toBe(true);
    const errAfter = await uint8Error(model, eq);
    expect(errAfter, `${errAfter} vs ${errBefore}`).toBeLessThan(errBefore / 2);
    model.dispose();
  });

  it('stops at layers a per-channel scale does not pass (softmax here), and at a model output', () => {
    const input = tf.input({ shape: [4] });
    const h = tf.layers.dense({ name: 'h', units: 3, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
    const s = tf.layers.softmax({ name: 'sm' }).apply(h) as tf.SymbolicTensor;
    const y = tf.layers.dense({ name: 'y', units: 2 }).apply(s) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: y });
    const w = unevenWeights(model);
    const copy = w.map((x) => x.data.slice());
    expect(equalizeChannels(model, w)).toEqual([]);
    w.forEach((x, i) => expect(x.data).toEqual(copy[i]));
    model.dispose();
  });
});
