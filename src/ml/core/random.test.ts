/** dropoutMask: the keep rate and the scale that makes the mask's mean 1, every entry drawn, repeatable from the seed. */
import { describe, expect, it } from 'vitest';
import { dropoutMask, mulberry32 } from './random';

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
