import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../../test/tfSetup';
import { PREPROCESS } from '../core/metadata';
import { checkImageSize, denormalize, imageToTensor, normalize, preprocessImage, resizeAndCrop, type RgbImage } from './preprocess';

beforeAll(tfReady);

// One pixel (R, G, B) = (200, 100, 50).
const pixel: RgbImage = { data: new Uint8Array([200, 100, 50, 255]), width: 1, height: 1, channels: 4 };

async function norm(mode: keyof typeof PREPROCESS): Promise<number[]> {
  const t = tf.tidy(() => normalize(imageToTensor(pixel), PREPROCESS[mode]));
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

describe('preprocessing modes, against hand-computed values', () => {
  it('torch: RGB/255, mean/std', async () => {
    const v = await norm('torch');
    expect(v[0]).toBeCloseTo((200 / 255 - 0.485) / 0.229, 5);
    expect(v[1]).toBeCloseTo((100 / 255 - 0.456) / 0.224, 5);
    expect(v[2]).toBeCloseTo((50 / 255 - 0.406) / 0.225, 5);
  });
  it('caffe: BGR 0..255 minus [104, 117, 123]', async () => {
    expect(await norm('caffe')).toEqual([50 - 104, 100 - 117, 200 - 123]);
  });
  it('unit: RGB in [0, 1]', async () => {
    const v = await norm('unit');
    expect(v[0]).toBeCloseTo(200 / 255, 6);
    expect(v[2]).toBeCloseTo(50 / 255, 6);
  });
  it('an image at the input size takes one pass over its bytes, bit for bit what the tensor ops give (RGB, RGBA; each mode)', async () => {
    const r = (i: number) => (i * 2654435761) >>> 24;
    for (const channels of [3, 4] as const) {
      const img: RgbImage = { data: Uint8Array.from({ length: 37 * 29 * channels }, (_, i) => r(i)), width: 37, height: 29, channels };
      for (const mode of ['torch', 'caffe', 'unit'] as const) {
        const ops = tf.tidy(() => normalize(imageToTensor(img), PREPROCESS[mode]));
        const fast = preprocessImage(img, [29, 37], PREPROCESS[mode]);
        expect(fast.shape).toEqual([1, 29, 37, 3]);
        expect(Array.from(await fast.data())).toEqual(Array.from(await ops.data()));
        tf.dispose([ops, fast]);
      }
    }
  });
  it('denormalize inverts normalize', async () => {
    for (const mode of ['torch', 'caffe', 'unit'] as const) {
      const t = tf.tidy(() => denormalize(normalize(imageToTensor(pixel), PREPROCESS[mode]), PREPROCESS[mode]));
      const v = Array.from(await t.data());
      t.dispose();
      v.forEach((x, i) => expect(x).toBeCloseTo([200, 100, 50][i]!, 3));
    }
  });
});

describe('resize and crop', () => {
  const gradient = (w: number, h: number): RgbImage => {
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x % 256, y % 256, 7], (y * w + x) * 3);
    return { data, width: w, height: h, channels: 3 };
  };

  it('an image already at the input size is used as is', async () => {
    const img = gradient(224, 224);
    const t = tf.tidy(() => resizeAndCrop(imageToTensor(img), [224, 224]));
    expect(Array.from(await t.data())).toEqual(Array.from(img.data));
    t.dispose();
  });

  it('shorter side → 256, then a centre crop (torchvision convention)', async () => {
    // 512×1024 (w×h) halves to 256×512: the 224 crop starts at x=16, y=144 of the resized image.
    const t = tf.tidy(() => resizeAndCrop(imageToTensor(gradient(512, 1024)), [224, 224]));
    expect(t.shape).toEqual([224, 224, 3]);
    const v = await t.data();
    // red channel of the first pixel: resized x=16 covers original x 32..33 → mean 32.5
    expect(v[0]).toBeCloseTo(32.5, 3);
    t.dispose();
  });

  it('rejects absurd sizes with a clear message', () => {
    expect(() => checkImageSize(12000, 12000)).toThrow(/too large: 12000×12000/);
    expect(() => checkImageSize(0, 10)).toThrow(/empty/);
  });

  it('preprocessImage leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    preprocessImage(gradient(300, 200), [224, 224], PREPROCESS.torch).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('augmentation', () => {
  const img: RgbImage = { data: Uint8Array.from({ length: 224 * 224 * 3 }, (_, i) => (i * 7) % 251), width: 224, height: 224, channels: 3 };
  it('random crops and flips are reproducible from the PRNG, and differ between draws', async () => {
    const { augmentImage } = await import('./preprocess');
    const { mulberry32 } = await import('../core/random');
    const draw = (seed: number, n: number) => {
      const r = mulberry32(seed);
      return Array.from({ length: n }, () => {
        const t = augmentImage(img, [224, 224], PREPROCESS.unit, r);
        const v = Array.from(t.dataSync());
        expect(t.shape).toEqual([1, 224, 224, 3]);
        t.dispose();
        return v;
      });
    };
    const a = draw(5, 3);
    const b = draw(5, 3);
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(a[1]);
  });
  it('a flip is a mirror image of the same crop', async () => {
    const { augmentImage } = await import('./preprocess');
    // rand: top=0, left=0, then flip (< 0.5) or not (>= 0.5)
    const seq = (flip: boolean) => {
      const vals = [0, 0, flip ? 0 : 0.9];
      return () => vals.shift()!;
    };
    const plain = augmentImage(img, [224, 224], PREPROCESS.unit, seq(false));
    const flipped = augmentImage(img, [224, 224], PREPROCESS.unit, seq(true));
    const mirrored = plain.reverse(2);
    expect(Array.from(flipped.dataSync())).toEqual(Array.from(mirrored.dataSync()));
    tf.dispose([plain, flipped, mirrored]);
  });
});

