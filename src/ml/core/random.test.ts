/** dropoutMask and dropoutInPlace: the keep rate and the scale that makes the mask's mean 1, every entry drawn, repeatable from the seed. */
import { describe, expect, it } from 'vitest';
import { dropoutInPlace, dropoutMask, mulberry32 } from './random';

describe('dropoutMask', () => {
  it('keeps about `keep` of the entries, each worth 1/keep, so the mean is 1', () => {
    for (const keep of [0.5, 0.8, 0.3]) {
      const m = dropoutMask(mulberry32(7), 400_003, keep);
      const kept = m.filter((v) => v > 0);
      const level = Math.round(keep * 256) / 256;
      expect(new Set(kept)).toEqual(new Set([Math.fround(1 / level)]));
      expect(kept.length / m.length).toBeCloseTo(level, 2);
      expect(m.reduce((a, b) => a + b, 0) / m.length).toBeCloseTo(1, 2);
    }
  });

  it('uses all four bytes of a draw (no stripes), fills an odd-sized tail, and repeats from the seed', () => {
    const m = dropoutMask(mulberry32(3), 40_001, 0.5);
    for (let lane = 0; lane < 4; lane++) {
      const ofLane = m.filter((_, i) => i % 4 === lane);
      expect(ofLane.filter((v) => v > 0).length / ofLane.length).toBeCloseTo(0.5, 1);
    }
    expect(dropoutMask(mulberry32(3), 40_001, 0.5)).toEqual(m);
    expect(dropoutMask(mulberry32(4), 40_001, 0.5)).not.toEqual(m);
    expect(dropoutMask(mulberry32(1), 5, 1)).toEqual(new Float32Array(5).fill(1));
  });
});

describe('dropoutInPlace', () => {
  it('is data × dropoutMask, entry for entry, from the same draws (rounded as a float32 multiply)', () => {
    for (const keep of [0.5, 0.7, 1]) {
      const data = Float32Array.from({ length: 10_003 }, (_, i) => Math.sin(i * 1.3) * 7 - 1);
      const a = mulberry32(11);
      const b = mulberry32(11);
      const mask = dropoutMask(a, data.length, keep);
      const out = data.slice();
      dropoutInPlace(b, out, keep);
      expect(b.state).toBe(a.state); // the same number of draws: what follows is unchanged too
      out.forEach((v, i) => expect(v).toBe(Math.fround(data[i]! * mask[i]!) || 0)); // a dropped entry is +0
      expect(out.some((v) => v === 0)).toBe(keep < 1);
    }
  });
  it("keeps entry k where byte k % 4 of mulberry32's draw ⌊k / 4⌋ is below keep × 256 (the tail: one draw an entry)", () => {
    for (const [n, keep] of [[4_001, 0.5], [4_003, 0.7], [4_000, 0.25]] as const) {
      const rand = mulberry32(5);
      const out = new Float32Array(n).fill(1);
      dropoutInPlace(mulberry32(5), out, keep);
      const level = Math.round(keep * 256);
      const whole = n - (n % 4);
      let draw = 0;
      let wrong = 0;
      for (let k = 0; k < n; k++) {
        if (k < whole ? k % 4 === 0 : true) draw = (rand() * 4294967296) >>> 0;
        const byte = k < whole ? (draw >>> (8 * (k % 4))) & 255 : draw & 255;
        if ((out[k] !== 0) !== byte < level) wrong++;
      }
      expect(wrong).toBe(0);
    }
  });

  it('works on a view into a larger buffer, touching nothing outside it', () => {
    const buf = new Float32Array(20).fill(3);
    dropoutInPlace(mulberry32(2), buf.subarray(4, 13), 0.5);
    expect(Array.from(buf.slice(0, 4))).toEqual([3, 3, 3, 3]);
    expect(Array.from(buf.slice(13))).toEqual(new Array(7).fill(3));
    expect(Array.from(buf.slice(4, 13)).every((v) => v === 0 || v === 6)).toBe(true);
  });
});
