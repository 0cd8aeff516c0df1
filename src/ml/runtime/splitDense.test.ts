/** splitDense: a split layer computes the same function and gradient, no kernel it runs exceeds the limit, and its pieces go with the model. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../../test/tfSetup';
import { nonFiniteWeights } from './backbone';
import { describeSplit, deviceBufferLimit, fitDenseToDevice, kernelPieces, splitLargeDense } from './splitDense';

beforeAll(tfReady);

/** A conv → flatten → fc6 (32×8, relu) → fc7 (8×3) net with seeded weights. */
function net(): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 3] });
  let x = tf.layers.conv2d({ filters: 2, kernelSize: 1, name: 'conv', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.flatten({ name: 'flat' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 8, activation: 'relu', name: 'fc6', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), biasInitializer: tf.initializers.constant({ value: 0.1 }) }).apply(x) as tf.SymbolicTensor;
  const y = tf.layers.dense({ units: 3, name: 'fc7', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: y });
}

const input = () => tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 7) as tf.Tensor4D;

/** Logits and the input gradient of the first logit's sum, as arrays. */
async function run(model: tf.LayersModel) {
  const x = input();
  const y = model.predict(x) as tf.Tensor;
  const g = tf.grad((t: tf.Tensor) => (model.apply(t) as tf.Tensor).slice([0, 0], [-1, 1]).sum())(x);
  const out = { y: Array.from(await y.data()), g: Array.from(await g.data()) };
  tf.dispose([x, y, g]);
  return out;
}

/** The largest tensor (bytes) a matrix product of a forward pass reads. */
async function largestInput(model: tf.LayersModel): Promise<number> {
  const x = input();
  const info = await tf.profile(() => model.predict(x) as tf.Tensor);
  x.dispose();
  tf.dispose(info.result as tf.Tensor);
  return Math.max(...info.kernels.filter((k) => /MatMul/.test(k.name)).flatMap((k) => k.inputShapes.map((s) => (s ?? []).reduce((a, b) => a * b, 1) * 4)));
}

describe('splitLargeDense', () => {
  it('splits fc6 (1,024 bytes) into 4 row blocks under a 300-byte limit: same logits and input gradients, no kernel input over the limit', async () => {
    const model = net();
    const before = await run(model);
    expect(await largestInput(model)).toBe(1024);
    const split = await splitLargeDense(model, 300);
    expect(split).toEqual([{ layer: 'fc6', bytes: 1024, parts: 4 }]);
    expect(kernelPieces(model.getLayer('fc6').weights[0]!)!.map((p) => p.shape)).toEqual([
      [9, 8],
      [9, 8],
      [9, 8],
      [5, 8],
    ]);
    const after = await run(model);
    for (let i = 0; i < before.y.length; i++) expect(after.y[i]).toBeCloseTo(before.y[i]!, 5);
    for (let i = 0; i < before.g.length; i++) expect(after.g[i]).toBeCloseTo(before.g[i]!, 5);
    expect(await largestInput(model)).toBeLessThanOrEqual(300);
    expect(model.getLayer('fc6').trainable).toBe(false);
    // Again: nothing more to split.
    expect(await splitLargeDense(model, 300)).toEqual([]);
    model.dispose();
  });

  it('leaves layers under the limit alone, and refuses a limit smaller than one kernel row', async () => {
    const model = net();
    expect(await splitLargeDense(model, 4096)).toEqual([]);
    await expect(splitLargeDense(model, 16)).rejects.toThrow(/one row of its kernel \(8 units\) is larger than this device's 16-byte buffers/);
    model.dispose();
  });

  it('does not leak: the pieces are disposed with the model', async () => {
    const start = tf.memory().numTensors;
    const model = net();
    const built = tf.memory().numTensors;
    await splitLargeDense(model, 300);
    expect(tf.memory().numTensors).toBe(built + 4);
    await run(model);
    expect(tf.memory().numTensors).toBe(built + 4);
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('a NaN in a split kernel is still found by the weight check, piece by piece', async () => {
    const model = net();
    const fc6 = model.getLayer('fc6');
    const [k, b] = fc6.getWeights();
    const bad = k!.bufferSync();
    bad.set(NaN, 30, 2);
    fc6.setWeights([bad.toTensor(), b!]);
    await splitLargeDense(model, 300);
    expect(await nonFiniteWeights(model)).toEqual(['fc6/kernel']);
    model.dispose();
  });

  it('on WASM/CPU there is no buffer limit, so nothing is split', async () => {
    expect(deviceBufferLimit()).toBeNull();
    const model = net();
    expect(await fitDenseToDevice(model)).toEqual({ limit: null, split: [] });
    model.dispose();
  });

  it('says what was split and why, in one sentence', () => {
    expect(describeSplit(134_217_728, [{ layer: 'fc6', bytes: 411_041_792, parts: 4 }])).toBe('This GPU holds at most 134 MB in one buffer, so fc6 (411 MB) in 4 parts runs split; results are the same');
    expect(describeSplit(null, [])).toBeNull();
  });
});
