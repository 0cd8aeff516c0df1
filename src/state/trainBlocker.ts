/**
 * Why the studio's Train button cannot start a run, in words for the page (null: it can). Shown
 * beside the button: in lecture mode the training panel comes first and the dataset's own message
 * is screens below it, so a greyed-out Train would otherwise go unexplained on the projector.
 * Likewise for resuming a run a reload cut off.
 */
import { classesWithImages } from '../ml/core/datasetChecks';
import type { TransferSlice } from './slices/transfer';

/** The studio panel where a blocker is mended: the page makes it a link there. */
export type BlockerPanel = 'data' | 'strategy';
export const PANEL_TITLE: Record<BlockerPanel, string> = { data: '1 · Paintings', strategy: '2 · Model surgery' };
/** The panel's heading id: the panel labels itself with it, and the link scrolls to it. */
export const PANEL_HEADING: Record<BlockerPanel, string> = { data: 'data-h', strategy: 'strategy-h' };
export interface Blocker {
  text: string;
  panel?: BlockerPanel;
}

export function trainBlocker(s: Pick<TransferSlice, 'tlModel' | 'tlModelError' | 'tlDataset' | 'tlDatasetBusy' | 'tlDatasetError' | 'tlPlan'>): Blocker | null {
  if (!s.tlModel) return { text: s.tlModelError ? `No model: ${s.tlModelError}` : 'The model is loading…' };
  if (s.tlDatasetBusy) return { text: 'Reading the dataset…' };
  if (!s.tlDataset) return s.tlDatasetError ? { text: `No dataset: ${s.tlDatasetError}` } : { text: 'Choose the paintings first', panel: 'data' };
  const d = s.tlDataset;
  const classes = classesWithImages(d.counts);
  if (classes < 2) return { text: `${d.name} has images in ${classes === 1 ? 'one class only' : 'no class'}: a classifier needs at least two`, panel: 'data' };
  if (d.train === 0 || d.val === 0) return { text: `The ${d.train === 0 ? 'training' : 'validation'} split is empty: add images or change the validation share`, panel: 'data' };
  if (s.tlPlan?.error) return { text: s.tlPlan.error, panel: 'strategy' };
  return null;
}

/** Why a run a reload cut off (ResumeOffer) cannot continue yet, in words; null when it can. */
export function resumeBlocker(s: Pick<TransferSlice, 'tlResume' | 'tlModel' | 'tlDataset' | 'tlStatus'>): string | null {
  const r = s.tlResume;
  if (!r) return 'nothing to resume';
  if (s.tlStatus !== 'idle') return 'a run is in progress';
  if (!s.tlModel || s.tlModel.name !== r.modelName) return `load ${r.modelName} as the backbone`;
  if (!s.tlDataset || s.tlDataset.signature !== r.signature) return `load the same dataset (${r.dataset}) again`;
  return null;
}
