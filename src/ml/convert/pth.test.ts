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

describe('hostile checkpoints (bad inputs)', () => {
  const zipPkl = (pkl: number[], extra: Record<string, Uint8Array> = {}) => zipSync({ 'archive/data.pkl': Uint8Array.from(pkl), ...extra }, { level: 0 });

  it('300 000 APPENDS items do not overflow the call stack', async () => {
    const { unpickle } = await import('./pickle');
    const n = 300_000;
    const body: number[] = [0x80, 2, 0x5d /* EMPTY_LIST */, 0x28 /* MARK */];
    for (let i = 0; i < n; i++) body.push(0x4b, i & 0xff); // BININT1
    body.push(0x65 /* APPENDS */, 0x2e /* STOP */);
    expect((unpickle(Uint8Array.from(body)).value as number[]).length).toBe(n);
  });

  it('a BigInt persistent id is named in the message, not a serialisation crash', () => {
    // PROTO 2, LONG1 9 bytes (2^64), TUPLE1, BINPERSID, STOP
    const pkl = [0x80, 2, 0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x85, 0x51, 0x2e];
    expect(() => readCheckpoint(zipPkl(pkl))).toThrow(/unexpected persistent id \["18446744073709551616n"\]/);
  });

  it('a tensor claiming 10^12 elements is refused before anything is allocated', () => {
    // {'w': _rebuild_tensor_v2(storage('0', FloatStorage, 4 elements), 0, (1000000, 1000000), (1000000, 1), False)}
    const enc = (s: string) => [...new TextEncoder().encode(s)];
    const str = (s: string) => [0x8c, s.length, ...enc(s)]; // SHORT_BINUNICODE
    const int = (v: number) => [0x4a, v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff]; // BININT
    const full = [
      0x80, 2, 0x7d /* EMPTY_DICT */, ...str('w'),
      0x63, ...enc('torch._utils\n_rebuild_tensor_v2\n'),
      0x28, // MARK for the args tuple
      0x28, ...str('storage'), 0x63, ...enc('torch\nFloatStorage\n'), ...str('0'), ...str('cpu'), ...int(4), 0x74 /* TUPLE */, 0x51 /* BINPERSID */,
      ...int(0),
      ...int(1_000_000), ...int(1_000_000), 0x86 /* TUPLE2 */,
      ...int(1_000_000), ...int(1), 0x86,
      0x89 /* NEWFALSE */,
      0x74, // TUPLE (args)
      0x52, // REDUCE
      0x73, // SETITEM
      0x2e,
    ];
    const bytes = zipPkl(full, { 'archive/data/0': new Uint8Array(16) });
    expect(() => readCheckpoint(bytes)).toThrow(/larger than any layer/);
  });
});
