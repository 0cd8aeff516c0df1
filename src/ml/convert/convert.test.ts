import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { referenceFile } from '../../../test/shared';
import { tfReady } from '../../../test/tfSetup';
import { ARCHS, type Arch } from './archs';
import { toArtifacts, type Quantize } from './artifacts';
import { convertCheckpoint, convertStateDictToFiles } from './checkpoint';
import { readCheckpoint } from './pth';

beforeAll(tfReady);

const N = 20;

function f32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

async function tfLogits(arch: Arch, quantize: Quantize, inputs: Float32Array): Promise<Float32Array> {
  const files = convertCheckpoint(readFileSync(referenceFile(`${arch}.pth`)), { arch, quantize });
  const model = await tf.loadLayersModel(tf.io.fromMemory(toArtifacts(files)));
  try {
    const out = new Float32Array(N * 1000);
    for (let i = 0; i < N; i += 5) {
      const y = tf.tidy(() => model.predict(tf.tensor4d(inputs.subarray(i * 224 * 224 * 3, (i + 5) * 224 * 224 * 3), [5, 224, 224, 3])) as tf.Tensor);
      out.set(await y.data(), i * 1000);
      y.dispose();
    }
    return out;
  } finally {
    model.dispose();
  }
}

function argmax(a: Float32Array, row: number): number {
  let best = 0;
  for (let j = 1; j < 1000; j++) if (a[row * 1000 + j]! > a[row * 1000 + best]!) best = j;
  return best;
}

describe.each(ARCHS)('parity with PyTorch: %s', (arch) => {
  const ref = () => f32(referenceFile(`${arch}.logits.bin`));
  const inputs = () => f32(referenceFile(`${arch}.inputs.bin`));

  it('float32 logits match within 1e-3 × max|logit|', async () => {
    const want = ref();
    const got = await tfLogits(arch, 'none', inputs());
    let maxAbs = 0;
    let maxDiff = 0;
    for (let i = 0; i < want.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(want[i]!));
      maxDiff = Math.max(maxDiff, Math.abs(want[i]! - got[i]!));
    }
    console.log(`${arch} float32: max|logit| ${maxAbs.toExponential(3)}, max diff ${maxDiff.toExponential(3)} (${(maxDiff / maxAbs).toExponential(2)} relative)`);
    expect(maxAbs).toBeGreaterThan(0);
    expect(maxDiff).toBeLessThanOrEqual(1e-3 * maxAbs);
  }, 300_000);

  it('float16 keeps top-1 on 20 random inputs', async () => {
    const want = ref();
    const got = await tfLogits(arch, 'float16', inputs());
    let agree = 0;
    for (let r = 0; r < N; r++) if (argmax(want, r) === argmax(got, r)) agree++;
    console.log(`${arch} float16: top-1 agreement ${agree}/${N}`);
    expect(agree).toBe(N);
  }, 300_000);
});

describe('conversion errors name the problem', () => {
  it('a checkpoint of another architecture names the key and the likely arch', () => {
    const bytes = readFileSync(referenceFile('squeezenet1_1.pth'));
    expect(() => convertCheckpoint(bytes, { arch: 'alexnet' })).toThrow(/features\.0\.weight.*\[64,3,3,3\].*looks like squeezenet1_1/);
  });

  it('a missing key is named', () => {
    const sd = readCheckpoint(readFileSync(referenceFile('squeezenet1_1.pth')));
    sd.delete('features.7.expand3x3.bias');
    expect(() => convertStateDictToFiles(sd, { arch: 'squeezenet1_1' })).toThrow(/missing key "features\.7\.expand3x3\.bias"/);
  });

  it('a mis-shaped key is named with both shapes', () => {
    const sd = readCheckpoint(readFileSync(referenceFile('squeezenet1_1.pth')));
    const w = sd.get('features.3.squeeze.weight')!;
    sd.set('features.3.squeeze.weight', { ...w, shape: [16, 32, 2, 1] });
    expect(() => convertStateDictToFiles(sd, { arch: 'squeezenet1_1' })).toThrow(/"features\.3\.squeeze\.weight" has shape \[16,32,2,1\], expected \[16,64,1,1\]/);
  });

  it('converting leaves no tensors behind', () => {
    const bytes = readFileSync(referenceFile('squeezenet1_1.pth'));
    const before = tf.memory().numTensors;
    convertCheckpoint(bytes, { arch: 'squeezenet1_1', quantize: 'uint8' });
    expect(tf.memory().numTensors).toBe(before);
  });
});
