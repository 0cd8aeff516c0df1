/** 8-bit PNG writing with pngjs (pure JS). */
import { PNG } from 'pngjs';

/** A map scaled so its maximum is 255 (no clipping), as an 8-bit grayscale PNG. */
export function grayPng(map: ArrayLike<number>, width: number, height: number): Buffer {
  let max = 0;
  for (let i = 0; i < map.length; i++) max = Math.max(max, map[i]!);
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
  const data = Buffer.alloc(width * height);
  for (let i = 0; i < width * height; i++) data[i] = max > 0 ? Math.round((map[i]! / max) * 255) : 0;
  png.data = data;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
}

export function rgbaPng(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return PNG.sync.write(png);
}
