/**
 * Image decoding in Node with the browser's behaviour: sharp (libvips; prebuilt from npm) for
 * JPEG, PNG, GIF and WebP, bmp-js for BMP (sharp has no BMP reader). As in the page: the size is
 * checked from the header before any pixel is decoded, EXIF orientation is honoured, and
 * transparency is composited over white. Why sharp: one maintained decoder that honours EXIF and
 * limits input pixels itself, instead of hand-wiring a codec per format.
 */
import { readFileSync, statSync } from 'node:fs';
import bmp from 'bmp-js';
import sharp from 'sharp';
import { damagedImage, imageFormat, imageSizeProblem, readImageHeader } from '../../src/ml/core/imageHeader';
import { ImageError, MAX_IMAGE_PIXELS, type RgbImage } from '../../src/ml/runtime/preprocess';
import { namedWrong } from './args';

/** Larger files are refused before reading: no photo the app accepts is near this. */
export const MAX_IMAGE_BYTES = 200 * 1024 * 1024;
const FORMATS = 'JPEG, PNG, GIF, WebP or BMP';

export async function decodeImageBytes(bytes: Uint8Array, name = 'image'): Promise<RgbImage> {
  if (bytes.length === 0) throw new ImageError(`${name} is empty (0 bytes): nothing to read`);
  const head = readImageHeader(bytes);
  if (!head) {
    // A JPEG cut off before its size is still a JPEG by its first bytes: damaged, not "not an image".
    const format = imageFormat(bytes);
    throw new ImageError(format ? damagedImage(name, format) : `${name} is not an image TransferLens can read (${FORMATS})`);
  }
  const size = imageSizeProblem(head.width, head.height, MAX_IMAGE_PIXELS);
  if (size) throw new ImageError(`${name} is ${size}`);
  if (head.format === 'bmp') return decodeBmp(bytes, name);
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error', animated: false })
      .rotate() // EXIF orientation, as createImageBitmap does
      .flatten({ background: '#ffffff' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 3 };
  } catch (e) {
    throw new ImageError(`${damagedImage(name, head.format)} (${(e as Error).message.split('\n')[0]})`);
  }
}

/** bmp-js gives ABGR bytes; alpha over white like the other formats. */
function decodeBmp(bytes: Uint8Array, name: string): RgbImage {
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = bmp.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new ImageError(`${damagedImage(name, 'bmp')} (${(e as Error).message})`);
  }
  const n = img.width * img.height;
  const out = new Uint8Array(n * 3);
  // bmp-js reports alpha 0 for BMPs without an alpha channel: treat a fully transparent image as opaque.
  let anyAlpha = false;
  for (let i = 0; i < n; i++) if (img.data[i * 4]! !== 0) anyAlpha = true;
  for (let i = 0; i < n; i++) {
    const a = anyAlpha ? img.data[i * 4]! / 255 : 1;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(img.data[i * 4 + 3 - c]! * a + 255 * (1 - a));
  }
  return { data: out, width: img.width, height: img.height, channels: 3 };
}

export async function decodeImageFile(path: string): Promise<RgbImage> {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw namedWrong(new ImageError(`${path} is not a regular file`));
    size = st.size;
  } catch (e) {
    if (e instanceof ImageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw namedWrong(new ImageError(`${path} is a loop of symbolic links: it leads to no file`));
    if (code === 'EACCES') throw namedWrong(new ImageError(`${path} cannot be read: permission denied`));
    throw namedWrong(new ImageError(`no such image: ${path}`));
  }
  if (size > MAX_IMAGE_BYTES) throw new ImageError(`${path} is ${(size / 1e6).toFixed(0)} MB, more than any photo TransferLens accepts (${MAX_IMAGE_BYTES / 1e6} MB)`);
  return decodeImageBytes(readFileSync(path), path);
}

/**
 * The painting inside a letterbox: WikiArt224 pads every painting to 224 × 224 with black, and
 * those hard edges were the strongest gradients in Try it's maps. sharp's trim (libvips) cuts
 * rows and columns within `threshold` of black from each side. null when nothing is cut, or when
 * what is left would be under a quarter of either side (a dark painting, not a letterbox).
 */
export async function trimBlackPadding(bytes: Uint8Array, threshold = 24): Promise<{ jpeg: Buffer; width: number; height: number } | null> {
  const meta = await sharp(bytes).metadata();
  const { data, info } = await sharp(bytes).trim({ background: '#000000', threshold }).jpeg({ quality: 85 }).toBuffer({ resolveWithObject: true });
  if (!meta.width || !meta.height || (info.width === meta.width && info.height === meta.height)) return null;
  if (info.width < meta.width / 4 || info.height < meta.height / 4) return null;
  return { jpeg: data, width: info.width, height: info.height };
}
