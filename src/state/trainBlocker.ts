/**
 * Why the studio's Train button cannot start a run, in words for the page (null: it can). Shown
 * beside the button: in lecture mode the training panel comes first and the dataset's own message
 * is screens below it, so a greyed-out Train would otherwise go unexplained on the projector.
 * Likewise for resuming a run a reload cut off.
 */
import type { TransferSlice } from './slices/transfer';

export function trainBlocker(s: Pick<TransferSlice, 'tlModel' | 'tlModelError' | 'tlDataset' | 'tlDatasetBusy' | 'tlDatasetError' | 'tlPlan'>): string | null {
  if (!s.tlModel) return s.tlModelError ? `No model: ${s.tlModelError}` : 'The model is loading…';
  if (s.tlDatasetBusy) return 'Reading the dataset…';
  if (!s.tlDataset) return s.tlDatasetError ? `No dataset: ${s.tlDatasetError}` : 'Choose the paintings first (1 · Paintings).';
  const d = s.tlDataset;
  const classes = d.counts.filter((c) => c > 0).length;
  if (classes < 2) return `${d.name} has images in ${classes === 1 ? 'one class only' : 'no class'}: a classifier needs at least two (1 · Paintings).`;
  if (d.train === 0 || d.val === 0) return `The ${d.train === 0 ? 'training' : 'validation'} split is empty: add images or change the validation share (1 · Paintings).`;
  if (s.tlPlan?.error) return `${s.tlPlan.error} (2 · Model surgery)`;
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
