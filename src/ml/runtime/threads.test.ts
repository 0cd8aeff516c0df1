/** The WASM thread budget: the two workers' pools never ask for more threads than there are cores. */
import { describe, expect, it } from 'vitest';
import { wasmThreadBudget } from './threads';

describe('wasmThreadBudget', () => {
  it('gives the model worker both cores of a 2-core machine and the training worker one', () => {
    expect(wasmThreadBudget(2, 'model')).toBe(2);
    expect(wasmThreadBudget(2, 'train')).toBe(1);
  });

  it('splits larger machines and never exceeds the cores together', () => {
    for (const cores of [3, 4, 6, 8, 12, 16, 64]) {
      const m = wasmThreadBudget(cores, 'model');
      const t = wasmThreadBudget(cores, 'train');
      expect(m).toBeGreaterThanOrEqual(2);
      expect(t).toBeGreaterThanOrEqual(1);
      expect(m + t).toBeLessThanOrEqual(cores);
    }
    expect([wasmThreadBudget(8, 'model'), wasmThreadBudget(8, 'train')]).toEqual([4, 4]);
  });

  it('asks for one thread when the cores are unknown or one', () => {
    for (const cores of [1, 0, NaN, -3]) {
      expect(wasmThreadBudget(cores, 'model')).toBe(1);
      expect(wasmThreadBudget(cores, 'train')).toBe(1);
    }
  });
});
