/**
 * Browser image decoding (page and workers) with size checks before any pixels are allocated;
 * EXIF orientation honoured (createImageBitmap's default), transparency over white.
 */
import { damagedImage, imageFormat, imageSizeProblem, readImageHeader } from '../ml/core/imageHeader';
import { MAX_IMAGE_PIXELS } from '../config';
import type { ImagePixels } from '../worker/model/protocol';

export class ImageFileError extends Error {
  override name = 'ImageFileError';
}

export interface DecodeOptions {
  /**
   * Scale a photo larger than this many pixels down (aspect kept, high-quality resampling) before
   * reading its pixels: the network sees 224 px, and 196 MB of RGBA for a 49 MP photo would only
   * cost memory and copies. Unset: full size (as the CLIs and the training worker read them).
   */
  maxWorkingPixels?: number;
  /** Also make a JPEG thumbnail whose longer side is at most this (the page shows it instead of the full photo). */
  thumbSize?: number;
}

export async function decodeImageFile(file: Blob & { name?: string }, o: DecodeOptions = {}): Promise<ImagePixels & { originalWidth: number; originalHeight: number; thumb?: Blob }> {
  const name = file.name ?? 'the file';
  if (file.size === 0) throw new ImageFileError(`${name} is empty (0 bytes): nothing to read`);
  const head = new Uint8Array(await file.slice(0, 256 * 1024).arrayBuffer());
  const header = readImageHeader(head);
  if (!header && !(file.type.startsWith('image/') && file.type !== 'image/svg+xml'))
    throw new ImageFileError(`${name} is not an image TransferLens can read (JPEG, PNG, GIF, WebP or BMP)`);
  const size = header && imageSizeProblem(header.width, header.height, MAX_IMAGE_PIXELS);
  if (size) throw new ImageFileError(`${name} is ${size}`);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    // A JPEG cut off before its size is still a JPEG by its first bytes: damaged, not "not an image".
    const format = header?.format ?? imageFormat(head);
    if (!format)
      throw new ImageFileError(`${name} is not an image TransferLens can read: its content is not JPEG, PNG, GIF, WebP or BMP, whatever its name says`);
    throw new ImageFileError(damagedImage(name, format));
  }
  try {
    const { width: ow, height: oh } = bitmap;
    // The decoded size (a header this reader does not know, or EXIF rotation) is checked again.
    const sizeNow = imageSizeProblem(ow, oh, MAX_IMAGE_PIXELS);
    if (sizeNow) throw new ImageFileError(`${name} is ${sizeNow}`);
    const scale = o.maxWorkingPixels && ow * oh > o.maxWorkingPixels ? Math.sqrt(o.maxWorkingPixels / (ow * oh)) : 1;
    const width = Math.max(1, Math.round(ow * scale));
    const height = Math.max(1, Math.round(oh * scale));
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new ImageFileError('this browser cannot read image pixels (no 2D canvas)');
    // Transparency over white, as the CLIs do (sharp's flatten): a transparent PNG means the same everywhere.
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, width, height);
    const img = ctx.getImageData(0, 0, width, height);
    let thumb: Blob | undefined;
    if (o.thumbSize && Math.max(width, height) > o.thumbSize) {
      const t = o.thumbSize / Math.max(width, height);
      const small = new OffscreenCanvas(Math.max(1, Math.round(width * t)), Math.max(1, Math.round(height * t)));
      const sctx = small.getContext('2d');
      if (sctx) {
        sctx.imageSmoothingQuality = 'high';
        sctx.drawImage(canvas, 0, 0, small.width, small.height);
        thumb = await small.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
      }
    }
    return { data: img.data, width, height, originalWidth: ow, originalHeight: oh, ...(thumb ? { thumb } : {}) };
  } finally {
    bitmap.close();
  }
}
