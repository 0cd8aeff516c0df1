import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../../test/tfSetup';
import { buildModelFiles, describeFormats, encodeWeights, floatToHalf, quantizeOf, SHARD_BYTES, splitShards, toArtifacts, uint8Plan } from './artifacts';
import { archSpec } from './archs';
import { equalizeChannels } from './equalize';
import { randomStateDict } from './randomWeights';
import { convertStateDict } from './stateDict';
import { makeRandomModelFiles } from './checkpoint';
import { parseMeta } from '../core/metadata';
import { halfToFloat } from './pth';

beforeAll(tfReady);

describe('weight encoding', () => {
  it('float16 bits match IEEE half precision, round to nearest even', () => {
    expect(floatToHalf(1)).toBe(0x3c00);
    expect(floatToHalf(-2)).toBe(0xc000);
    expect(floatToHalf(65504)).toBe(0x7bff);
    expect(floatToHalf(1e6)).toBe(0x7c00);
    expect(floatToHalf(2 ** -24)).toBe(0x0001);
    expect(floatToHalf(0.1)).toBe(0x2e66);
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    for (const v of [0.333, -12.5, 3e-5, 1234.5]) expect(Math.abs(halfToFloat(floatToHalf(v)) - v)).toBeLessThan(Math.abs(v) * 1e-3);
  });

  it('uint8 dequantizes within half a step', () => {
    const data = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 3);
    const { specs, data: bytes } = encodeWeights([{ name: 'w', shape: [1000], data }], 'uint8');
    const q = specs[0]!.quantization as { scale: number; min: number };
    for (let i = 0; i < 1000; i++) expect(Math.abs(bytes[i]! * q.scale + q.min - data[i]!)).toBeLessThanOrEqual(q.scale / 2 + 1e-6);
  });

  it('uint8 plan: the largest tensors until they hold half the weights, float16 for the rest', () => {
    // VGG16's shape: one fully connected kernel (fc6) holds most of the weights.
    expect(uint8Plan([20, 100, 1, 30])).toEqual(['float16', 'uint8', 'float16', 'float16']);
    // Even sizes: the first half, ties in file order.
    expect(uint8Plan([10, 10, 10, 10])).toEqual(['uint8', 'uint8', 'float16', 'float16']);
    expect(uint8Plan([10, 40, 30, 20])).toEqual(['float16', 'uint8', 'uint8', 'float16']);
    expect(uint8Plan([])).toEqual([]);
  });

  it('mixed formats: each weight in its own, the file labelled by the smallest', () => {
    const data = Float32Array.from({ length: 8 }, (_, i) => i - 3.5);
    const { specs, data: bytes } = encodeWeights([{ name: 'a', shape: [8], data }, { name: 'b', shape: [8], data }, { name: 'c', shape: [8], data }], ['uint8', 'float16', 'none']);
    expect(specs.map((s) => s.quantization?.dtype ?? 'float32')).toEqual(['uint8', 'float16', 'float32']);
    expect(bytes.length).toBe(8 + 16 + 32);
    expect(Array.from(new Float32Array(bytes.slice(24).buffer))).toEqual(Array.from(data));
    expect(quantizeOf(specs)).toBe('uint8');
    expect(quantizeOf(specs.slice(1))).toBe('float16');
    expect(quantizeOf(specs.slice(2))).toBe('none');
  });

  it('shards are at most 4 MB and cover the data exactly', () => {
    const data = new Uint8Array(SHARD_BYTES * 2 + 17);
    const shards = splitShards(data);
    expect(shards.map((s) => s.length)).toEqual([SHARD_BYTES, SHARD_BYTES, 17]);
  });
});

describe('model files', () => {
  it('metadata survives a write → load round trip, for each quantization', async () => {
    for (const quantize of ['none', 'float16', 'uint8'] as const) {
      const files = makeRandomModelFiles('squeezenet1_1', 3, { quantize, preprocess: 'caffe', numClasses: 7, labels: 'abcdefg'.split('') });
      for (const s of files.shards) expect(s.bytes.length).toBeLessThanOrEqual(SHARD_BYTES);
      const model = await tf.loadLayersModel(tf.io.fromMemory(toArtifacts(files)));
      const { meta, fromFile } = parseMeta(model.getUserDefinedMetadata(), { inputShape: model.inputs[0]!.shape, numOutputs: 7, name: model.name });
      expect(fromFile).toBe(true);
      expect(meta).toEqual(files.modelJson.userDefinedMetadata.transferlens);
      expect(meta.preprocess).toEqual({ mode: 'caffe', mean: [104, 117, 123], std: [1, 1, 1], channelOrder: 'BGR' });
      expect(meta.trunkOutput).toBe('fire9_concat');
      expect(meta.classifierLayers).toEqual(['conv10']);
      expect(model.getLayer('fire2_squeeze')).toBeDefined();
      model.dispose();
    }
  });

  it('random weights are seeded: same seed, same bytes; other seed, other bytes', () => {
    const a = makeRandomModelFiles('squeezenet1_1', 1).shards[0]!.bytes;
    const b = makeRandomModelFiles('squeezenet1_1', 1).shards[0]!.bytes;
    const c = makeRandomModelFiles('squeezenet1_1', 2).shards[0]!.bytes;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });
});

describe('uint8 files', () => {
  it('store the largest tensors as uint8 and the rest as float16, load as plain TF.js, and come closer to float32 than all-uint8', async () => {
    const model = archSpec('squeezenet1_1').build(7, 'zeros');
    const weights = convertStateDict('squeezenet1_1', randomStateDict('squeezenet1_1', 5, model), model);
    const meta = makeRandomModelFiles('squeezenet1_1', 5, { numClasses: 7 }).modelJson.userDefinedMetadata.transferlens;
    const files = (q: 'none' | 'uint8') => buildModelFiles(model, weights, meta, q);
    const mixed = files('uint8');
    const specs = mixed.modelJson.weightsManifest.flatMap((g) => g.weights);
    const size = (name: string) => weights.find((w) => w.name === name)!.data.length;
    const u8 = specs.filter((s) => s.quantization?.dtype === 'uint8');
    const rest = specs.filter((s) => s.quantization?.dtype !== 'uint8');
    expect(rest.every((s) => s.quantization?.dtype === 'float16')).toBe(true);
    const total = weights.reduce((a, w) => a + w.data.length, 0);
    const inU8 = u8.reduce((a, s) => a + size(s.name), 0);
    expect(inU8 * 2).toBeGreaterThanOrEqual(total);
    expect(Math.min(...u8.map((s) => size(s.name)))).toBeGreaterThanOrEqual(Math.max(...rest.map((s) => size(s.name))));
    expect(mixed.shards.reduce((a, s) => a + s.bytes.length, 0)).toBe(inU8 + 2 * (total - inU8));
    expect(describeFormats(mixed)).toBe(`uint8: ${u8.map((s) => s.name).join(', ')}; float16: the other ${rest.length} weights`);
    expect(describeFormats(files('none'))).toBe('none');

    // The same equalised weights, every one as uint8 (what uint8 files held before).
    const eq = weights.map((w) => ({ ...w, data: w.data.slice() }));
    equalizeChannels(model, eq);
    const all = encodeWeights(eq, 'uint8');
    const allU8 = { shards: [{ name: 'x', bytes: all.data }], modelJson: { ...mixed.modelJson, weightsManifest: [{ paths: ['x'], weights: all.specs }] } };
    const x = tf.randomUniform([2, 224, 224, 3], 0, 255, 'float32', 1);
    const run = async (f: typeof mixed) => {
      const m = await tf.loadLayersModel(tf.io.fromMemory(toArtifacts(f)));
      const y = m.predict(x) as tf.Tensor;
      const out = (await y.data()) as Float32Array;
      tf.dispose([y]);
      m.dispose();
      return out;
    };
    const ref = await run(files('none'));
    const err = (y: Float32Array) => Math.sqrt(y.reduce((a, v, i) => a + (v - ref[i]!) ** 2, 0) / ref.reduce((a, v) => a + v * v, 0));
    const eMixed = err(await run(mixed));
    const eAll = err(await run(allU8));
    x.dispose();
    model.dispose();
    expect(eMixed).toBeGreaterThan(0);
    expect(eMixed).toBeLessThan(eAll * 0.8);
  });
});
