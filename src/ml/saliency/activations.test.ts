/** The activation explorer's arrays: order, ranges and tiles against values computed by hand; filters in RGB; no leaks. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../../test/tfSetup';
import { PREPROCESS } from '../core/metadata';
import { colourFilters, firstColourConv, layerActivations } from './activations';

beforeAll(tfReady);

/** conv "pick" copies input channel c to output channel c (1×1 identity, 3 → 3), then a dense layer. */
function pickNet(): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 3] });
  const pick = tf.layers.conv2d({ name: 'pick', filters: 3, kernelSize: 1, useBias: false });
  const x = pick.apply(input) as tf.SymbolicTensor;
  const flat = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const fc = tf.layers.dense({ name: 'fc', units: 5, useBias: true, kernelInitializer: 'zeros' });
  const model = tf.model({ inputs: input, outputs: fc.apply(flat) as tf.SymbolicTensor });
  pick.setWeights([tf.eye(3).reshape([1, 1, 3, 3])]);
  fc.setWeights([tf.zeros([48, 5]), tf.tensor1d([0.5, 3, -1, 2, 0])]);
  return model;
}

describe('layerActivations', () => {
  it('orders channels by mean, reports each range, and stretches each tile over its own range', async () => {
    const m = pickNet();
    // channel 0: 0..15 (mean 7.5), channel 1: constant 100, channel 2: -(0..15) (mean -7.5)
    const vals: number[] = [];
    for (let p = 0; p < 16; p++) vals.push(p, 100, -p);
    const x = tf.tensor4d(vals, [1, 4, 4, 3]);
    const before = tf.memory().numTensors;
    const a = await layerActivations(m, x, 'pick');
    expect(tf.memory().numTensors).toBe(before);
    expect(a.kind).toBe('spatial');
    expect(a.shape).toEqual([4, 4, 3]);
    expect(a.channels.map((c) => c.index)).toEqual([1, 0, 2]);
    expect(a.channels[1]).toMatchObject({ mean: 7.5, min: 0, max: 15 });
    expect(a.channels[2]).toMatchObject({ mean: -7.5, min: -15, max: 0 });
    expect([a.tileH, a.tileW]).toEqual([4, 4]);
    const tile = (k: number) => Array.from(a.tiles.subarray(k * 16, (k + 1) * 16));
    expect(tile(1)).toEqual(Array.from({ length: 16 }, (_, p) => Math.round((p / 15) * 255)));
    expect(tile(2)).toEqual(Array.from({ length: 16 }, (_, p) => Math.round(((15 - p) / 15) * 255)));
    expect(tile(0).every((v) => v === 0)).toBe(true); // a flat map is flat, not noise
    x.dispose();
  });

  it('limits the grid and shrinks large maps', async () => {
    const m = pickNet();
    const x = tf.randomUniform([1, 4, 4, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const a = await layerActivations(m, x, 'pick', { maxChannels: 2, maxTile: 2 });
    expect(a.channels).toHaveLength(2);
    expect([a.tileH, a.tileW]).toEqual([2, 2]);
    expect(a.tiles).toHaveLength(2 * 2 * 2);
    x.dispose();
  });

  it('a dense layer gives its strongest units, with their values', async () => {
    const m = pickNet();
    const x = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const a = await layerActivations(m, x, 'fc', { maxChannels: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(a.kind).toBe('vector');
    expect(a.shape).toEqual([5]);
    expect(a.channels.map((c) => [c.index, c.mean])).toEqual([
      [1, 3],
      [3, 2],
      [0, 0.5],
    ]);
    x.dispose();
  });

  it('names the layer it cannot find', async () => {
    const m = pickNet();
    const x = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    await expect(layerActivations(m, x, 'conv99')).rejects.toThrow(/conv99/);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('colourFilters', () => {
  function rgbConv(): tf.LayersModel {
    const input = tf.input({ shape: [5, 5, 3] });
    const c = tf.layers.conv2d({ name: 'conv1', filters: 2, kernelSize: 2, useBias: false });
    const model = tf.model({ inputs: input, outputs: c.apply(input) as tf.SymbolicTensor });
    // filter 0 reads only channel 0 (+1 everywhere); filter 1 reads only channel 2 (+1 at the top-left tap)
    const k = tf.buffer([2, 2, 3, 2]);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) k.set(1, i, j, 0, 0);
    k.set(1, 0, 0, 2, 1);
    c.setWeights([k.toTensor()]);
    return model;
  }

  it('draws each filter over its own range, in RGB for RGB models', async () => {
    const m = rgbConv();
    expect(firstColourConv(m)?.name).toBe('conv1');
    const before = tf.memory().numTensors;
    const f = (await colourFilters(m, PREPROCESS.torch))!;
    expect(tf.memory().numTensors).toBe(before);
    expect([f.layer, f.kh, f.kw, f.count]).toEqual(['conv1', 2, 2, 2]);
    const px = (n: number, i: number, j: number) => Array.from(f.rgba.subarray(((n * 2 + i) * 2 + j) * 4, ((n * 2 + i) * 2 + j) * 4 + 4));
    expect(px(0, 1, 1)).toEqual([255, 0, 0, 255]); // red
    expect(px(1, 0, 0)).toEqual([0, 0, 255, 255]); // blue
    expect(px(1, 1, 1)).toEqual([0, 0, 0, 255]);
  });

  it('flips a caffe (BGR) model back to RGB', async () => {
    const f = (await colourFilters(rgbConv(), PREPROCESS.caffe))!;
    expect(Array.from(f.rgba.subarray(12, 16))).toEqual([0, 0, 255, 255]); // filter 0 read B: shown blue
  });

  it('is null for a model without a colour convolution', async () => {
    const input = tf.input({ shape: [4] });
    const m = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(input) as tf.SymbolicTensor });
    expect(await colourFilters(m, PREPROCESS.unit)).toBeNull();
  });
});
