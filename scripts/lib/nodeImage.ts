/** JPEG/PNG decoding in Node with pure-JS libraries (jpeg-js, pngjs): no native binaries. */
import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { ImageError, MAX_IMAGE_PIXELS, type RgbImage } from '../../src/ml/runtime/preprocess';

export function decodeImageBytes(bytes: Uint8Array, name = 'image'): RgbImage {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf[0] === 0xff && buf[1] === 0xd8) {
    try {
      const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6, maxMemoryUsageInMB: 2048 });
      return { data: img.data, width: img.width, height: img.height, channels: 4 };
    } catch (e) {
      throw new ImageError(`${name}: cannot decode JPEG: ${(e as Error).message}`);
    }
  }
  if (buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    try {
      const png = PNG.sync.read(buf);
      return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), width: png.width, height: png.height, channels: 4 };
    } catch (e) {
      throw new ImageError(`${name}: cannot decode PNG: ${(e as Error).message}`);
    }
  }
  throw new ImageError(`${name}: not a JPEG or PNG image`);
}

export function decodeImageFile(path: string): RgbImage {
  return decodeImageBytes(readFileSync(path), path);
}
