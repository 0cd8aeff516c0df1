/** The WASM thread plan: both workers use both cores of a 2-core machine, and training yields there; larger machines split without yielding. */
import { describe, expect, it } from 'vitest';
import { wasmThreadBudget, wasmThreadPlan } from './threads';

describe('wasmThreadPlan', () => {
  it('gives both workers two threads on a 2-core machine, and makes training yield to the model worker', () => {
    expect(wasmThreadPlan(2)).toEqual({ model: 2, train: 2, yieldsToModel: true });
    expect(wasmThreadPlan(3)).toEqual({ model: 2, train: 2, yieldsToModel: true });
    expect(wasmThreadBudget(2, 'model')).toBe(2);
    expect(wasmThreadBudget(2, 'train')).toBe(2);
  });

  it('splits larger machines without yielding and never exceeds the cores together', () => {
    for (const cores of [4, 6, 8, 12, 16, 64]) {
      const { model, train, yieldsToModel } = wasmThreadPlan(cores);
      expect(model).toBeGreaterThanOrEqual(2);
      expect(train).toBeGreaterThanOrEqual(2);
      expect(model + train).toBeLessThanOrEqual(cores);
      expect(yieldsToModel).toBe(false);
    }
    expect(wasmThreadPlan(8)).toEqual({ model: 4, train: 4, yieldsToModel: false });
  });

  it('asks for one thread when the cores are unknown or one, where training yields too', () => {
    for (const cores of [1, 0, NaN, -3]) expect(wasmThreadPlan(cores)).toEqual({ model: 1, train: 1, yieldsToModel: true });
  });
});
