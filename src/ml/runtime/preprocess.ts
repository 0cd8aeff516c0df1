/**
 * Image → network input, driven by the model metadata. One code path for the
 * browser and Node, so a prediction is the same wherever it runs.
 */
import * as tf from '@tensorflow/tfjs';
import { MAX_IMAGE_PIXELS } from '../../config';
import { imageSizeProblem, WORKING_SHORT_SIDE } from '../core/imageHeader';
import { pixelScale, type Preprocess } from '../core/metadata';

/** Decoded pixels, row-major, RGB or RGBA, 0..255. */
export interface RgbImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 3 | 4;
}

export { MAX_IMAGE_PIXELS };
/** torchvision's convention: resize the shorter side to 256 for a 224 crop (the elongation check uses the same 256). */
export const RESIZE_RATIO = WORKING_SHORT_SIDE / 224;

export class ImageError extends Error {
  override name = 'ImageError';
}

export function checkImageSize(width: number, height: number): void {
  if (!(width > 0 && height > 0)) throw new ImageError('the image is empty (0 pixels)');
  const size = imageSizeProblem(width, height, MAX_IMAGE_PIXELS);
  if (size) throw new ImageError(`the image is ${size}`);
}

function checkImage(img: RgbImage): void {
  checkImageSize(img.width, img.height);
  const expected = img.width * img.height * img.channels;
  if (img.data.length !== expected) throw new ImageError(`pixel buffer has ${img.data.length} bytes, expected ${expected}`);
}

/** float32 [h, w, 3] in 0..255 (alpha dropped), made in one pass over the bytes. */
export function imageToTensor(img: RgbImage): tf.Tensor3D {
  checkImage(img);
  const n = img.width * img.height;
  const ch = img.channels;
  const rgb = new Float32Array(n * 3);
  for (let i = 0, j = 0; i < n; i++, j += ch) {
    rgb[i * 3] = img.data[j]!;
    rgb[i * 3 + 1] = img.data[j + 1]!;
    rgb[i * 3 + 2] = img.data[j + 2]!;
  }
  return tf.tensor3d(rgb, [img.height, img.width, 3]);
}

/**
 * An image already at the input size → the network input in one pass over its bytes: what
 * imageToTensor + normalize compute on the WASM or CPU backend, bit for bit (each step rounded
 * to float32, as they round it), where they make six passes and five tensors (a tenth of the
 * AlexNet trunk's time on the 224-px paintings).
 */
export function normalizedPixels(img: RgbImage, p: Preprocess): Float32Array {
  checkImage(img);
  const f = Math.fround;
  const n = img.width * img.height;
  const ch = img.channels;
  const scale = f(pixelScale(p.mode));
  const out = new Float32Array(n * 3);
  for (let c = 0; c < 3; c++) {
    const src = p.channelOrder === 'BGR' ? 2 - c : c;
    const mean = f(p.mean[c]!);
    const std = f(p.std[c]!);
    for (let i = 0, j = src; i < n; i++, j += ch) out[i * 3 + c] = f(f(img.data[j]! * scale) - mean) / std;
  }
  return out;
}

/**
 * Shorter side → round(RESIZE_RATIO × input), then a centre crop; an image already at
 * the input size is used as is. Large downscales first halve with a 2×2 box filter so
 * bilinear sampling does not alias (a stand-in for PIL's antialiased resize).
 */
export function resizeAndCrop(img: tf.Tensor3D, inputSize: [number, number]): tf.Tensor3D {
  const [H, W] = inputSize;
  const [h, w] = img.shape;
  if (h === H && w === W) return img.clone();
  return tf.tidy(() => {
    const short = Math.round(Math.min(H, W) * RESIZE_RATIO);
    const s = short / Math.min(h, w);
    const th = Math.max(H, Math.round(h * s));
    const tw = Math.max(W, Math.round(w * s));
    let x = img.expandDims(0) as tf.Tensor4D;
    while (x.shape[1] >= 2 * th && x.shape[2] >= 2 * tw) x = tf.avgPool(x, 2, 2, 'valid');
    x = tf.image.resizeBilinear(x, [th, tw], false, true);
    const top = Math.floor((th - H) / 2);
    const left = Math.floor((tw - W) / 2);
    return x.slice([0, top, left, 0], [1, H, W, 3]).squeeze([0]) as tf.Tensor3D;
  });
}

/** 0..255 RGB → the model's scale, channel order and mean/std. */
export function normalize(img: tf.Tensor3D, p: Preprocess): tf.Tensor3D {
  return tf.tidy(() => {
    let x = img.mul(pixelScale(p.mode));
    if (p.channelOrder === 'BGR') x = x.reverse(-1);
    return x.sub(tf.tensor1d(p.mean)).div(tf.tensor1d(p.std)) as tf.Tensor3D;
  });
}

/** Inverse of `normalize`, back to 0..255 RGB, to show what the network sees. */
export function denormalize(x: tf.Tensor3D, p: Preprocess): tf.Tensor3D {
  return tf.tidy(() => {
    let y = x.mul(tf.tensor1d(p.std)).add(tf.tensor1d(p.mean));
    if (p.channelOrder === 'BGR') y = y.reverse(-1);
    return y.div(pixelScale(p.mode)).clipByValue(0, 255) as tf.Tensor3D;
  });
}

/** Decoded image → [1, H, W, 3] network input. The caller owns the result. */
export function preprocessImage(img: RgbImage, inputSize: [number, number], p: Preprocess): tf.Tensor4D {
  const [H, W] = inputSize;
  if (img.height === H && img.width === W) return tf.tensor4d(normalizedPixels(img, p), [1, H, W, 3]);
  return tf.tidy(() => {
    const t = imageToTensor(img);
    const cropped = resizeAndCrop(t, inputSize);
    return normalize(cropped, p).expandDims(0) as tf.Tensor4D;
  });
}

/**
 * Training-time augmentation as in the course: shorter side to 256/224 × input, a random
 * input-sized crop, and a horizontal flip half of the time. `rand` makes it reproducible.
 */
export function augmentImage(img: RgbImage, inputSize: [number, number], p: Preprocess, rand: () => number): tf.Tensor4D {
  const [H, W] = inputSize;
  return tf.tidy(() => {
    const t = imageToTensor(img);
    const [h, w] = t.shape;
    const s = Math.round(Math.min(H, W) * RESIZE_RATIO) / Math.min(h, w);
    const th = Math.max(H, Math.round(h * s));
    const tw = Math.max(W, Math.round(w * s));
    let x = t.expandDims(0) as tf.Tensor4D;
    while (x.shape[1] >= 2 * th && x.shape[2] >= 2 * tw) x = tf.avgPool(x, 2, 2, 'valid');
    x = tf.image.resizeBilinear(x, [th, tw], false, true);
    const top = Math.floor(rand() * (th - H + 1));
    const left = Math.floor(rand() * (tw - W + 1));
    let crop = x.slice([0, top, left, 0], [1, H, W, 3]).squeeze([0]) as tf.Tensor3D;
    if (rand() < 0.5) crop = crop.reverse(1);
    return normalize(crop, p).expandDims(0) as tf.Tensor4D;
  });
}
