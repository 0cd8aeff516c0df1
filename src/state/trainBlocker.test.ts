import { describe, expect, it } from 'vitest';
import type { DatasetSummary, TrainModelInfo } from '../worker/train/protocol';
import type { ResumeMeta } from '../worker/train/resumeStore';
import { PANEL_TITLE, resumeBlocker, trainBlocker, type Blocker } from './trainBlocker';

const model = { name: 'SqueezeNet' } as TrainModelInfo;
const ds = (counts: number[], train = 8, val = 2): DatasetSummary => ({ name: 'art', classes: counts.map((_, i) => `c${i}`), counts, train, val, warnings: [], samples: [], heldOut: [], signature: 's' });
const base = { tlModel: model, tlModelError: null, tlDataset: ds([5, 5]), tlDatasetBusy: false, tlDatasetError: null, tlPlan: null };

/** As the page reads it: the text, then the panel to mend it in. */
const blockerText = (b: Blocker) => (b.panel ? `${b.text} (${PANEL_TITLE[b.panel]})` : b.text);

describe('trainBlocker', () => {
  it('is null when a run can start', () => {
    expect(trainBlocker(base)).toBeNull();
    expect(trainBlocker({ ...base, tlPlan: { rows: [], note: 'fc8 replaced' } })).toBeNull();
  });

  it('names what is missing, first things first', () => {
    expect(trainBlocker({ ...base, tlModel: null })).toEqual({ text: 'The model is loading…' });
    expect(trainBlocker({ ...base, tlModel: null, tlModelError: 'no network' })).toEqual({ text: 'No model: no network' });
    expect(trainBlocker({ ...base, tlDatasetBusy: true })).toEqual({ text: 'Reading the dataset…' });
    expect(trainBlocker({ ...base, tlDataset: null })).toEqual({ text: 'Choose the paintings first', panel: 'data' });
    expect(trainBlocker({ ...base, tlDataset: null, tlDatasetError: 'That folder is empty' })).toEqual({ text: 'No dataset: That folder is empty' });
  });

  it('a dataset with one class, or an empty split, says so', () => {
    const text = (d: DatasetSummary) => blockerText(trainBlocker({ ...base, tlDataset: d })!);
    expect(text(ds([9, 0]))).toBe('art has images in one class only: a classifier needs at least two (1 · Paintings)');
    expect(text(ds([0, 0], 0, 0))).toMatch(/in no class/);
    expect(text(ds([5, 5], 10, 0))).toMatch(/^The validation split is empty.*\(1 · Paintings\)$/);
    expect(text(ds([5, 5], 0, 10))).toMatch(/^The training split is empty/);
  });

  it("the surgery's error comes through", () => {
    expect(trainBlocker({ ...base, tlPlan: { rows: [], error: 'this model has no fc7' } })).toEqual({ text: 'this model has no fc7', panel: 'strategy' });
  });
});

describe('resumeBlocker', () => {
  const cut = { modelName: 'SqueezeNet', dataset: 'art', signature: 's' } as ResumeMeta;
  const st = { tlResume: cut, tlModel: model, tlDataset: ds([5, 5]), tlStatus: 'idle' as const };
  it('is null once the same model and the same dataset (same items and split) are loaded', () => {
    expect(resumeBlocker(st)).toBeNull();
  });
  it('names what is missing: the backbone, the dataset, or a run in progress', () => {
    expect(resumeBlocker({ ...st, tlResume: null })).toBe('nothing to resume');
    expect(resumeBlocker({ ...st, tlModel: null })).toBe('load SqueezeNet as the backbone');
    expect(resumeBlocker({ ...st, tlModel: { name: 'AlexNet' } as TrainModelInfo })).toBe('load SqueezeNet as the backbone');
    expect(resumeBlocker({ ...st, tlDataset: null })).toBe('load the same dataset (art) again');
    expect(resumeBlocker({ ...st, tlDataset: { ...ds([5, 5]), signature: 'other split' } })).toBe('load the same dataset (art) again');
    expect(resumeBlocker({ ...st, tlStatus: 'running' })).toBe('a run is in progress');
  });
});
