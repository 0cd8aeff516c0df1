import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { referenceFile, sharedFile } from '../../../test/shared';
import { readCheckpoint, type StateDict } from './pth';

const load = (rel: string) => readCheckpoint(readFileSync(referenceFile(rel)));

function expectSameDict(a: StateDict, b: StateDict) {
  expect([...a.keys()]).toEqual([...b.keys()]);
  for (const [k, t] of a) {
    expect(b.get(k)!.shape).toEqual(t.shape);
    expect(b.get(k)!.data).toEqual(t.data);
  }
}

describe('readCheckpoint', () => {
  it('reads the real-weights torchvision SqueezeNet from ../shared', () => {
    const sd = readCheckpoint(readFileSync(sharedFile('models/squeezenet1_1/squeezenet1_1-caffe.pth')));
    expect(sd.size).toBe(52);
    expect(sd.get('features.0.weight')!.shape).toEqual([64, 3, 3, 3]);
    expect(sd.get('classifier.1.weight')!.shape).toEqual([1000, 512, 1, 1]);
    const w = sd.get('features.0.weight')!.data;
    expect(w.every(Number.isFinite)).toBe(true);
    // trained weights are not all the same value
    expect(Math.max(...w) - Math.min(...w)).toBeGreaterThan(0.1);
  });

  it('reads the legacy (pre-1.6) format to the same tensors as the zip format', () => {
    expectSameDict(load('variant-plain.pth'), load('variant-legacy.pth'));
  });

  it('unwraps {state_dict: …} and DataParallel "module." prefixes', () => {
    const plain = load('variant-plain.pth');
    expectSameDict(plain, load('variant-wrapped.pth'));
    expectSameDict(plain, load('variant-module.pth'));
  });

  it('honours strides, offsets and half/double/int64 storages', () => {
    const sd = load('variant-odd.pth');
    const want = JSON.parse(readFileSync(referenceFile('variant-odd.json'), 'utf8')) as Record<string, number[]> & {
      shapes: Record<string, number[]>;
    };
    for (const k of ['transposed', 'sliced', 'half', 'double', 'long']) {
      const t = sd.get(k)!;
      expect(t.shape, k).toEqual(want.shapes[k]);
      expect(Array.from(t.data), k).toEqual(want[k]!.map((v) => Math.fround(v)));
    }
  });

  it('explains what it cannot read', () => {
    expect(() => readCheckpoint(new Uint8Array([0x1f, 0x8b, 8, 0, 0]))).toThrow(/gzip/);
    expect(() => readCheckpoint(new TextEncoder().encode('hello world, not a model'))).toThrow(/not a PyTorch checkpoint/);
    expect(() => readCheckpoint(new Uint8Array(0))).toThrow(/empty/);
    const plain = readFileSync(referenceFile('variant-plain.pth'));
    expect(() => readCheckpoint(plain.subarray(0, 100_000))).toThrow(/corrupt|truncated/);
    expect(() => readCheckpoint(zipSync({ 'a/readme.txt': new TextEncoder().encode('x') }))).toThrow(/data\.pkl/);
    const legacy = readFileSync(referenceFile('variant-legacy.pth'));
    expect(() => readCheckpoint(legacy.subarray(0, legacy.length - 1000))).toThrow(/truncated/);
  });
});
