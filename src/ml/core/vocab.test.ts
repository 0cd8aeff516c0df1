import { describe, expect, it } from 'vitest';
import { clampToRange, RECIPE_RANGES as R } from './vocab';

describe('clampToRange', () => {
  it('keeps a value strictly inside an exclusive bound as typed (a learning rate of 1e-4 became 0.001)', () => {
    for (const lr of [1e-4, 3e-4, 1e-6, 0.0005]) expect(clampToRange(lr, R.lr, 0.001)).toEqual({ value: lr, clamped: false });
  });

  it('moves a value on or past an exclusive bound one step inside it', () => {
    expect(clampToRange(0, R.lr, 0.001)).toEqual({ value: 0.001, clamped: true });
    expect(clampToRange(-1, R.lr, 0.001)).toEqual({ value: 0.001, clamped: true });
    expect(clampToRange(1, R.momentum, 0.01)).toEqual({ value: 0.99, clamped: true });
    expect(clampToRange(0.999, R.momentum, 0.01)).toEqual({ value: 0.999, clamped: false });
  });

  it('clamps to an inclusive bound, and rounds what must be whole', () => {
    expect(clampToRange(11, R.lr)).toEqual({ value: 10, clamped: true });
    expect(clampToRange(-1, R.weightDecay)).toEqual({ value: 0, clamped: true });
    expect(clampToRange(0, R.epochs, 1)).toEqual({ value: 1, clamped: true });
    expect(clampToRange(2.5, R.epochs, 1)).toEqual({ value: 3, clamped: true });
    expect(clampToRange(20000, R.epochs, 1)).toEqual({ value: 10000, clamped: true });
    expect(clampToRange(7, R.epochs, 1)).toEqual({ value: 7, clamped: false });
  });
});
