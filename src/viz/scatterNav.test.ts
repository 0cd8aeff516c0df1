import { describe, expect, it } from 'vitest';
import { isStepKey, stepPoint, type Point2 } from './scatterNav';

// A plus sign around the centre (index 0), with a far point straight right and a near one off to the side.
const plus: Point2[] = [
  { x: 0, y: 0 },
  { x: 1, y: 0 }, // right
  { x: -1, y: 0 }, // left
  { x: 0, y: 1 }, // up
  { x: 0, y: -1 }, // down
  { x: 3, y: 0 }, // further right
];

describe('stepPoint', () => {
  it('starts at the point nearest the centre of the plot', () => {
    expect(stepPoint(plus, null, 'ArrowRight')).toBe(1); // centre of x ∈ [-1, 3], y ∈ [-1, 1] is (1, 0)
    expect(stepPoint([{ x: 5, y: 5 }, { x: 0, y: 0 }, { x: 10, y: 10 }], null, 'ArrowUp')).toBe(0);
  });

  it('moves to the nearest point in the arrow\'s direction; up is up on the plot (y grows upwards)', () => {
    expect(stepPoint(plus, 0, 'ArrowRight')).toBe(1);
    expect(stepPoint(plus, 1, 'ArrowRight')).toBe(5);
    expect(stepPoint(plus, 0, 'ArrowLeft')).toBe(2);
    expect(stepPoint(plus, 0, 'ArrowUp')).toBe(3);
    expect(stepPoint(plus, 0, 'ArrowDown')).toBe(4);
  });

  it('stays put when nothing lies that way', () => {
    expect(stepPoint(plus, 5, 'ArrowRight')).toBe(5);
    expect(stepPoint(plus, 3, 'ArrowUp')).toBe(3);
  });

  it('prefers a point straight ahead to a nearer one far off to the side, and ignores points level with it', () => {
    const pts: Point2[] = [
      { x: 0, y: 0 },
      { x: 0.3, y: 0.55 }, // nearer, but more sideways than ahead
      { x: 1, y: 0.05 }, // further, almost straight ahead
      { x: 0, y: 1 }, // straight up: not to the right at all
    ];
    expect(stepPoint(pts, 0, 'ArrowRight')).toBe(2);
  });

  it('measures on axes scaled to the same extent, as the chart draws them', () => {
    // x spans 1000, y spans 1: a step of 100 in x is as short on screen as 0.1 in y.
    const pts: Point2[] = [
      { x: 0, y: 0 },
      { x: 400, y: 0.1 },
      { x: 1000, y: 1 },
    ];
    expect(stepPoint(pts, 0, 'ArrowRight')).toBe(1);
    expect(stepPoint(pts, 0, 'ArrowUp')).toBe(2);
  });

  it('handles no points, one point, and identical points', () => {
    expect(stepPoint([], null, 'ArrowLeft')).toBeNull();
    expect(stepPoint([{ x: 2, y: 2 }], null, 'ArrowLeft')).toBe(0);
    expect(stepPoint([{ x: 2, y: 2 }], 0, 'ArrowLeft')).toBe(0);
    expect(stepPoint([{ x: 2, y: 2 }, { x: 2, y: 2 }], 0, 'ArrowRight')).toBe(0);
    expect(stepPoint(plus, 99, 'ArrowRight')).toBe(1); // a stale index (the view changed) starts over
  });
});

describe('isStepKey', () => {
  it('knows the four arrows and nothing else', () => {
    expect(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'].every(isStepKey)).toBe(true);
    expect(['Enter', 'Tab', ' ', 'Home'].some(isStepKey)).toBe(false);
  });
});
