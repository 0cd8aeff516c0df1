/**
 * Saved runs' names as the charts' legend and the replay menu show them: each run's own label
 * (strategy, optimizer and learning rate, time) with the settings in which the runs differ put
 * before the time (the legend adds the dataset where runs differ in it). Two runs that differed only in their batch or their epochs had the same
 * name there, told apart by the clock alone. The stored label is left as it was saved.
 */
import type { SavedRun } from './slices/transfer';

/** A setting that can tell runs apart, as it reads in a name. */
const SETTINGS: [string, (r: SavedRun) => string][] = [
  ['batch', (r) => `batch ${r.config.batchSize}`],
  ['epochs', (r) => `${r.epochs.length} epoch${r.epochs.length === 1 ? '' : 's'}`],
  ['dropout', (r) => `dropout ${r.config.dropout}`],
  ['momentum', (r) => (r.config.optimizer === 'sgd' ? `momentum ${r.config.momentum}` : '')],
  ['weight decay', (r) => `weight decay ${r.config.weightDecay}`],
  ['seed', (r) => `seed ${r.config.seed}`],
  ['augmented views', (r) => (r.config.augmentViews ? `${r.config.augmentViews} augmented views` : 'no augmentation')],
  ['block', (r) => (r.config.unfreezeBlock ? `last block trained at ×${r.config.blockLrScale ?? 0.1}` : 'block frozen')],
];

const SEP = ' · ';

/**
 * Each run's name by id: its label, and before its time what sets it apart from the others.
 * `compact` (a menu's one line): only what differs, then the time — the parts of the label every
 * run shares ("New conv10 only", "sgd lr 0.01") left out.
 */
export function runNames(runs: readonly SavedRun[], compact = false): Map<string, string> {
  const differing = SETTINGS.filter(([, of]) => new Set(runs.map(of)).size > 1);
  // A saved label's parts, the time last ("New fc8 only · sgd lr 0.01 · 11:34:02 PM").
  const parts = new Map(runs.map((r) => [r.id, r.label.split(SEP)]));
  const shared = compact ? new Set([...parts.values()].reduce<string[]>((a, p, i) => (i === 0 ? p.slice(0, -1) : a.filter((x) => p.includes(x))), [])) : new Set<string>();
  return new Map(
    runs.map((r) => {
      const p = parts.get(r.id)!;
      const own = p.length > 1 ? p.slice(0, -1).filter((x) => !shared.has(x)) : p;
      const time = p.length > 1 ? [p.at(-1)!] : [];
      return [r.id, [...own, ...differing.map(([, of]) => of(r)).filter(Boolean), ...time].join(SEP)];
    }),
  );
}
