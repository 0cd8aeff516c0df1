import { describe, expect, it } from 'vitest';
import { centreCropShare, cropNote, elongationProblem, imageFormat, imageSizeProblem, looksLikeImage, readImageHeader } from './imageHeader';

describe('elongationProblem', () => {
  const MP50 = 50_000_000;
  it('passes ordinary photos, panoramas and strips up to the limit', () => {
    for (const [w, h] of [[224, 224], [4000, 3000], [3000, 4000], [12000, 2000], [8000, 20], [20, 8000], [762, 1]]) expect(elongationProblem(w!, h!, MP50), `${w}×${h}`).toBeNull();
  });
  it('refuses shapes whose scaled size (shorter side 256 px) would pass the pixel limit, in words', () => {
    expect(elongationProblem(5000, 1, MP50)).toBe(
      'too elongated: 5000×1 pixels (5000:1; the limit is 762:1). Scaled so its shorter side is 256 px, as the network needs, it would be 328 MP. Crop it to a less extreme shape and try again.',
    );
    expect(elongationProblem(1, 60000, MP50)).toMatch(/^too elongated: 1×60000 pixels \(60000:1/);
    expect(elongationProblem(800, 1, MP50)).toMatch(/^too elongated/);
  });
  it('leaves an empty image to the other checks', () => {
    expect(elongationProblem(0, 10, MP50)).toBeNull();
  });
});

describe('imageSizeProblem', () => {
  it('names too many pixels first, then too elongated a shape; null for a photo', () => {
    expect(imageSizeProblem(4000, 3000, 50e6)).toBeNull();
    expect(imageSizeProblem(8000, 7000, 50e6)).toBe('too large: 8000×7000 pixels (56 MP; the limit is 50 MP). Scale it down and try again.');
    expect(imageSizeProblem(100000, 10, 50e6)).toMatch(/^too elongated: 100000×10 pixels/);
  });
});

describe('cropNote', () => {
  it('the centre crop keeps (224/256)² of a square and less as the image widens', () => {
    expect(centreCropShare(500, 500)).toBeCloseTo(0.7656, 4);
    expect(centreCropShare(1920, 1080)).toBeCloseTo(0.7656 * 0.5625, 4);
    expect(centreCropShare(300, 20000)).toBeCloseTo(0.7656 * 0.015, 4);
    expect(centreCropShare(0, 0)).toBe(1);
  });

  it('is said for a panorama, not for ordinary photos', () => {
    expect(cropNote(640, 480)).toBeNull();
    expect(cropNote(1920, 1080)).toBeNull();
    expect(cropNote(2400, 1000)).toBeNull(); // 2.4:1
    expect(cropNote(2500, 1000)).toBe('The network sees only the middle 31 % of this 2.5:1 image (a square from its centre, less a thin border): crop the part you mean and drop that.');
    expect(cropNote(20000, 300)).toMatch(/middle 1 % of this 67:1 image/);
    expect(cropNote(300, 20000)).toBe('The network sees only the middle 1 % of this 1:67 image (a square from its centre, less a thin border): crop the part you mean and drop that.');
    expect(cropNote(100, 20000)).toMatch(/middle under 1 % of this 1:200 image/);
  });
});

describe('looksLikeImage', () => {
  const b = (...v: number[]) => new Uint8Array(v);
  const ascii = (t: string) => new TextEncoder().encode(t);
  it('knows the five formats by their first bytes, and nothing else', () => {
    expect(looksLikeImage(b(0xff, 0xd8, 0xff, 0xe1))).toBe(true);
    expect(looksLikeImage(b(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a))).toBe(true);
    expect(looksLikeImage(ascii('GIF89a'))).toBe(true);
    expect(looksLikeImage(ascii('BM6\u0000'))).toBe(true);
    expect(looksLikeImage(ascii('RIFF\u0000\u0000\u0000\u0000WEBPVP8 '))).toBe(true);
    expect(looksLikeImage(ascii('RIFF\u0000\u0000\u0000\u0000WAVEfmt '))).toBe(false); // a sound
    expect(looksLikeImage(ascii('not an image'))).toBe(false);
    expect(looksLikeImage(ascii('<!DOCTYPE html>'))).toBe(false);
    expect(looksLikeImage(b())).toBe(false);
    expect(looksLikeImage(b(0xff, 0xd8))).toBe(false); // cut before the third byte
  });
  it('names the format of a file cut off before its size (no header to read: damaged, not "not an image")', () => {
    const cutJpeg = b(0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01);
    expect(readImageHeader(cutJpeg)).toBeNull();
    expect(imageFormat(cutJpeg)).toBe('jpeg');
    expect(imageFormat(ascii('RIFF\u0000\u0000\u0000\u0000WEBPVP8 '))).toBe('webp');
    expect(imageFormat(ascii('BM6\u0000'))).toBe('bmp');
    expect(imageFormat(ascii('not an image'))).toBeNull();
  });
});
