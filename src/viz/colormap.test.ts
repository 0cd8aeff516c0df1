import { describe, expect, it } from 'vitest';
import { colorize, lut, normalizedMap, normalizeMap, overlay, overlayOf, percentile } from './colormap';

describe('colormaps', () => {
  it('viridis and inferno match matplotlib at 0, ½ and 1 (within 0.03)', () => {
    const anchors = {
      viridis: [
        [0.267, 0.005, 0.329],
        [0.128, 0.567, 0.551],
        [0.993, 0.906, 0.144],
      ],
      inferno: [
        [0.001, 0.0, 0.014],
        [0.735, 0.216, 0.33],
        [0.988, 0.998, 0.645],
      ],
    } as const;
    for (const [cm, rows] of Object.entries(anchors)) {
      const t = lut(cm as 'viridis');
      rows.forEach((rgb, j) => {
        const i = [0, 128, 255][j]!;
        rgb.forEach((v, c) => expect(Math.abs(t[i * 3 + c]! / 255 - v), `${cm}[${i}][${c}]`).toBeLessThan(0.03));
      });
    }
  });

  it('viridis is monotone in lightness (perceptually ordered)', () => {
    const t = lut('viridis');
    const lum = (i: number) => 0.2126 * t[i * 3]! + 0.7152 * t[i * 3 + 1]! + 0.0722 * t[i * 3 + 2]!;
    for (let i = 8; i < 256; i += 8) expect(lum(i)).toBeGreaterThan(lum(i - 8));
  });

  it('gray maps v to (v, v, v)', () => {
    expect(Array.from(colorize([0, 1, 0.5], 'gray'))).toEqual([0, 0, 0, 255, 255, 255, 255, 255, 128, 128, 128, 255]);
  });
});

describe('map rendering', () => {
  it('clips at the percentile and scales to [0, 1]', () => {
    const map = Float32Array.from({ length: 100 }, (_, i) => i);
    map[99] = 1e6; // one outlier
    const n = normalizeMap(map, 98);
    expect(percentile(map, 98)).toBe(97);
    expect(n[97]).toBe(1);
    expect(n[99]).toBe(1);
    expect(n[50]).toBeCloseTo(50 / 97, 6);
    expect(Array.from(normalizeMap(new Float32Array(4)))).toEqual([0, 0, 0, 0]);
  });

  it('overlay keeps the photo where saliency is 0 and shows the colour where it is 1', () => {
    const base = new Uint8ClampedArray([10, 20, 30, 255, 10, 20, 30, 255]);
    const out = overlay(base, [0, 1], 'gray', 1);
    expect(Array.from(out.slice(0, 3))).toEqual([10, 20, 30]);
    expect(Array.from(out.slice(4, 7))).toEqual([255, 255, 255]);
    expect(() => overlay(base, [0], 'gray', 1)).toThrow(/sizes differ/);
    // Just over a quarter of the top saliency is half opaque (√((0.325 − 0.1) / 0.9) = 0.5), so a vanilla map's many
    // small values still show; the faintest tenth tints nothing.
    const black = new Uint8ClampedArray([0, 0, 0, 255, 0, 0, 0, 255]);
    const out2 = overlay(black, [0.325, 0.1], 'gray', 1);
    const grey = lut('gray')[Math.round(0.325 * 255) * 3]!;
    expect(out2[0]).toBe(Math.round(grey * 0.5));
    expect(Array.from(out2.slice(4, 7))).toEqual([0, 0, 0]);
  });

  it('the remembered views (one pass when the main panels and the compare strip draw the same map) match a fresh pass and follow the settings', () => {
    const map = Float32Array.from({ length: 64 }, (_, i) => (i * 37) % 64);
    const base = Uint8ClampedArray.from({ length: 64 * 4 }, (_, i) => (i * 7) % 256);
    const a = normalizedMap(map, 99);
    expect(normalizedMap(map, 99)).toBe(a);
    expect(Array.from(a)).toEqual(Array.from(normalizeMap(map, 99)));
    const b = normalizedMap(map, 90);
    expect(b).not.toBe(a);
    expect(Array.from(b)).toEqual(Array.from(normalizeMap(map, 90)));
    // Another map with the same values is its own entry (a new result is a new array).
    expect(normalizedMap(map.slice(), 90)).not.toBe(b);
    const o = overlayOf(base, b, 'viridis', 0.7);
    expect(overlayOf(base, b, 'viridis', 0.7)).toBe(o);
    expect(Array.from(o)).toEqual(Array.from(overlay(base, b, 'viridis', 0.7)));
    for (const [cm, op] of [['inferno', 0.7], ['viridis', 0.5]] as const) expect(Array.from(overlayOf(base, b, cm, op))).toEqual(Array.from(overlay(base, b, cm, op)));
    expect(overlayOf(base.slice(), b, 'viridis', 0.5)).not.toBe(overlayOf(base, b, 'viridis', 0.5));
  });
});

describe('percentile by selection', async () => {
  const { percentile } = await import('./colormap');
  it('equals the sorted nearest-rank value on random data, ties and edges', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const n of [1, 2, 3, 10, 1001, 50176]) {
      const v = Float32Array.from({ length: n }, () => Math.round(rand() * 50) / 7);
      const sorted = Float32Array.from(v).sort();
      for (const p of [0, 1, 50, 90, 99, 100]) expect(percentile(v, p)).toBe(sorted[Math.min(n - 1, Math.round((p / 100) * (n - 1)))]);
    }
  });
});
