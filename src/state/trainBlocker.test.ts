import { describe, expect, it } from 'vitest';
import type { DatasetSummary, TrainModelInfo } from '../worker/train/protocol';
import { trainBlocker } from './trainBlocker';

const model = { name: 'SqueezeNet' } as TrainModelInfo;
const ds = (counts: number[], train = 8, val = 2): DatasetSummary => ({ name: 'art', classes: counts.map((_, i) => `c${i}`), counts, train, val, warnings: [], samples: [], heldOut: [], signature: 's' });
const base = { tlModel: model, tlModelError: null, tlDataset: ds([5, 5]), tlDatasetBusy: false, tlDatasetError: null, tlPlan: null };

describe('trainBlocker', () => {
  it('is null when a run can start', () => {
    expect(trainBlocker(base)).toBeNull();
    expect(trainBlocker({ ...base, tlPlan: { rows: [], note: 'fc8 replaced' } })).toBeNull();
  });

  it('names what is missing, first things first', () => {
    expect(trainBlocker({ ...base, tlModel: null })).toBe('The model is loading…');
    expect(trainBlocker({ ...base, tlModel: null, tlModelError: 'no network' })).toBe('No model: no network');
    expect(trainBlocker({ ...base, tlDatasetBusy: true })).toBe('Reading the dataset…');
    expect(trainBlocker({ ...base, tlDataset: null })).toMatch(/^Choose the paintings first/);
    expect(trainBlocker({ ...base, tlDataset: null, tlDatasetError: 'That folder is empty' })).toBe('No dataset: That folder is empty');
  });

  it('a dataset with one class, or an empty split, says so', () => {
    expect(trainBlocker({ ...base, tlDataset: ds([9, 0]) })).toMatch(/^art has images in one class only: a classifier needs at least two/);
    expect(trainBlocker({ ...base, tlDataset: ds([0, 0], 0, 0) })).toMatch(/in no class/);
    expect(trainBlocker({ ...base, tlDataset: ds([5, 5], 10, 0) })).toMatch(/^The validation split is empty/);
    expect(trainBlocker({ ...base, tlDataset: ds([5, 5], 0, 10) })).toMatch(/^The training split is empty/);
  });

  it("the surgery's error comes through", () => {
    expect(trainBlocker({ ...base, tlPlan: { rows: [], error: 'this model has no fc7' } })).toBe('this model has no fc7 (2 · Model surgery)');
  });
});
