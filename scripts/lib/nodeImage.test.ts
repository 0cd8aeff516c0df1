import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { trimBlackPadding } from './nodeImage';

/** A w × h JPEG: black, with a textured painting of pw × ph in its centre. */
async function letterboxed(w: number, h: number, pw: number, ph: number): Promise<Buffer> {
  const px = Buffer.alloc(pw * ph * 3);
  for (let i = 0; i < pw * ph; i++) for (let c = 0; c < 3; c++) px[i * 3 + c] = 120 + ((i * (c + 3)) % 90);
  const painting = await sharp(px, { raw: { width: pw, height: ph, channels: 3 } }).png().toBuffer();
  return sharp({ create: { width: w, height: h, channels: 3, background: '#000000' } })
    .composite([{ input: painting, left: Math.floor((w - pw) / 2), top: Math.floor((h - ph) / 2) }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

describe('trimBlackPadding', () => {
  it('cuts the black bars above and below a landscape, and beside a portrait', async () => {
    const wide = await trimBlackPadding(await letterboxed(224, 224, 224, 150));
    expect(wide).not.toBeNull();
    expect(wide!.width).toBe(224);
    expect(Math.abs(wide!.height - 150)).toBeLessThanOrEqual(2);
    const tall = await trimBlackPadding(await letterboxed(224, 224, 170, 224));
    expect(Math.abs(tall!.width - 170)).toBeLessThanOrEqual(2);
    expect(tall!.height).toBe(224);
    const meta = await sharp(tall!.jpeg).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', tall!.width, tall!.height]);
  });

  it('leaves a painting without a letterbox, and a dark painting, as they are (null)', async () => {
    expect(await trimBlackPadding(await letterboxed(224, 224, 224, 224))).toBeNull();
    // A dark painting with one small bright patch: a trim would keep 20 × 20 px of it, not cut a border.
    expect(await trimBlackPadding(await letterboxed(224, 224, 20, 20))).toBeNull();
    const black = await sharp({ create: { width: 224, height: 224, channels: 3, background: '#000000' } }).jpeg().toBuffer();
    expect(await trimBlackPadding(black)).toBeNull();
  });

  const wikiart = join(__dirname, '../../../shared/datasets/wikiart7');
  it.skipIf(!existsSync(wikiart))('the WikiArt224 paintings in ../shared lose their padding', async () => {
    const style = readdirSync(wikiart).sort()[0]!;
    const files = readdirSync(join(wikiart, style)).filter((f) => /\.jpe?g$/i.test(f)).sort().slice(0, 10);
    const out = await Promise.all(files.map(async (f) => trimBlackPadding(readFileSync(join(wikiart, style, f)))));
    // Each is 224 on one side and shorter on the other.
    for (const t of out) if (t) expect(Math.max(t.width, t.height)).toBeGreaterThanOrEqual(220);
    expect(out.filter((t) => t && Math.min(t.width, t.height) < 220).length).toBeGreaterThanOrEqual(8);
  });
});
