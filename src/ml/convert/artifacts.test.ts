import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../../test/tfSetup';
import { encodeWeights, floatToHalf, SHARD_BYTES, splitShards, toArtifacts } from './artifacts';
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
