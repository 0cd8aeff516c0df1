/**
 * Image dimensions from the file header, before decoding, so a 12000×12000 PNG is
 * refused with a clear message instead of allocating 576 MB of pixels.
 */
export interface HeaderInfo {
  format: 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp';
  width: number;
  height: number;
}

/** The format the first bytes announce (JPEG, PNG, GIF, WebP, BMP): 12 bytes decide. A text file named .jpg has none. */
export function imageFormat(b: Uint8Array): HeaderInfo['format'] | null {
  const at = (i: number, ...v: number[]) => v.every((x, k) => b[i + k] === x);
  if (at(0, 0xff, 0xd8, 0xff)) return 'jpeg';
  if (at(0, 0x89, 0x50, 0x4e, 0x47)) return 'png';
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return 'gif';
  if (at(0, 0x42, 0x4d)) return 'bmp';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'webp';
  return null;
}

/** Whether the first bytes are one of the formats read. */
export function looksLikeImage(b: Uint8Array): boolean {
  return imageFormat(b) !== null;
}

/** Why a file that starts like an image (`format`) gives no picture: its bytes end early or are garbled. */
export function damagedImage(name: string, format: HeaderInfo['format']): string {
  return `${name} could not be decoded: the ${format.toUpperCase()} file is damaged or cut short`;
}

export function readImageHeader(b: Uint8Array): HeaderInfo | null {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length >= 24 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47)
    return { format: 'png', width: dv.getUint32(16), height: dv.getUint32(20) };
  if (b.length >= 10 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46)
    return { format: 'gif', width: dv.getUint16(6, true), height: dv.getUint16(8, true) };
  if (b.length >= 26 && b[0] === 0x42 && b[1] === 0x4d)
    return { format: 'bmp', width: Math.abs(dv.getInt32(18, true)), height: Math.abs(dv.getInt32(22, true)) };
  if (b.length >= 30 && b[0] === 0x52 && b[1] === 0x49 && b[8] === 0x57 && b[9] === 0x45) {
    const chunk = String.fromCharCode(b[12]!, b[13]!, b[14]!, b[15]!);
    if (chunk === 'VP8X') return { format: 'webp', width: 1 + (dv.getUint32(24, true) & 0xffffff), height: 1 + (dv.getUint32(27, true) & 0xffffff) };
    if (chunk === 'VP8 ') return { format: 'webp', width: dv.getUint16(26, true) & 0x3fff, height: dv.getUint16(28, true) & 0x3fff };
    if (chunk === 'VP8L') {
      const v = dv.getUint32(21, true);
      return { format: 'webp', width: (v & 0x3fff) + 1, height: ((v >> 14) & 0x3fff) + 1 };
    }
    return null;
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) {
        i++;
        continue;
      }
      const marker = b[i + 1]!;
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        i += 2;
        continue;
      }
      const len = dv.getUint16(i + 2);
      // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC) carry the frame size.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
        return { format: 'jpeg', height: dv.getUint16(i + 5), width: dv.getUint16(i + 7) };
      i += 2 + len;
    }
    return null;
  }
  return null;
}

/** The shorter side an image is scaled to before the network's centre crop (torchvision's 256 for 224; preprocess.ts's RESIZE_RATIO). */
export const WORKING_SHORT_SIDE = 256;

/** The share of an image's area the network's centre crop keeps: 77 % of a square photo, 1 % of a 67:1 panorama (any input size: the ratio is 224:256). */
export function centreCropShare(width: number, height: number): number {
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  return long > 0 ? Math.min(1, (224 / WORKING_SHORT_SIDE) ** 2 * (short / long)) : 1;
}

/** From this shape on (under 31 % seen), the crop is said beside the map: a panorama's map covers only its middle. */
export const CROP_NOTE_RATIO = 2.5;

/** What a map of a very elongated image leaves out, in a sentence; null for ordinary photos (a 16:9 one keeps 43 %). */
export function cropNote(width: number, height: number): string | null {
  const ratio = Math.max(width, height) / Math.min(width, height);
  if (!(ratio >= CROP_NOTE_RATIO)) return null;
  const pct = 100 * centreCropShare(width, height);
  const r = ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1);
  return `The network sees only the middle ${pct < 1 ? 'under 1' : Math.round(pct)} % of this ${width >= height ? `${r}:1` : `1:${r}`} image (a square from its centre, less a thin border): crop the part you mean and drop that.`;
}

/**
 * Why an image of this shape cannot go through the network, or null. A strip of a few pixels is
 * scaled up until its shorter side is 256 px: a 100000×1 image would become 25600000×256, which
 * no backend can hold (WASM's resize failed and every class came out the same, silently). So the
 * scaled image may not exceed `maxPixels` either: at 50 MP, shapes up to about 763:1.
 */
export function elongationProblem(width: number, height: number, maxPixels: number): string | null {
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  if (!(short > 0)) return null; // empty: said elsewhere
  const scaled = WORKING_SHORT_SIDE * Math.round((WORKING_SHORT_SIDE * long) / short);
  if (scaled <= maxPixels) return null;
  const ratio = long / short;
  const limit = Math.floor(maxPixels / WORKING_SHORT_SIDE ** 2);
  return `too elongated: ${width}×${height} pixels (${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1)}:1; the limit is ${limit}:1). Scaled so its shorter side is ${WORKING_SHORT_SIDE} px, as the network needs, it would be ${(scaled / 1e6).toFixed(0)} MP. Crop it to a less extreme shape and try again.`;
}

/**
 * Why an image of this size cannot be read, as the end of "<name> is …" (too many pixels, or too
 * elongated), or null. The page's decoder, the CLIs' and the preprocessing all ask this one.
 */
export function imageSizeProblem(width: number, height: number, maxPixels: number): string | null {
  if (width * height > maxPixels)
    return `too large: ${width}×${height} pixels (${((width * height) / 1e6).toFixed(0)} MP; the limit is ${maxPixels / 1e6} MP). Scale it down and try again.`;
  return elongationProblem(width, height, maxPixels);
}
