/** What the studio shows of a model and a run: the layer table for a strategy, and a finished run's summary. */
import type { Dataset } from '../../ml/core/dataset';
import { lastConvBlock, layerTable, planFor, type LayerRow } from '../../ml/core/surgery';
import type { Strategy } from '../../ml/core/vocab';
import type { Backbone } from '../../ml/runtime/backbone';
import { precisionRecall } from '../../ml/training/metrics';
import type { FineTuneResult } from '../../ml/training/pipeline';
import type { RunSummary } from './protocol';

/** The layer table (frozen / trainable / new / removed) of `strategy` for `classes` classes. */
export function planRows(b: Backbone, strategy: Strategy, classes: number, unfreezeBlock = false): { rows: LayerRow[]; note?: string; error?: string } {
  try {
    const plan = planFor(b.model, b.meta, strategy, Math.max(2, classes));
    const trunk = b.model.getLayer(plan.trunkLayer).outputShape as number[];
    let inDim = plan.pool === 'gap' ? trunk[trunk.length - 1]! : trunk.slice(1).reduce((a, v) => a * v, 1);
    if (plan.frozen.length) inDim = (b.model.getLayer(plan.frozen.at(-1)!).outputShape as number[]).at(-1)!;
    let rows = layerTable(b.model, plan, inDim);
    if (unfreezeBlock) {
      const block = lastConvBlock(b.model, plan.trunkLayer).layers;
      rows = rows.map((r) => (block.includes(r.name) ? { ...r, status: 'trainable' as const } : r));
    }
    return { rows, note: plan.note };
  } catch (e) {
    return { rows: [], error: (e as Error).message };
  }
}

/** At most this many images behind one confusion cell, and this many "most confident mistakes". */
export const CELL_LIMIT = 24;
export const MISTAKE_LIMIT = 12;

/** Names shown for the images a run could not read (the items its features left out). */
export const UNREADABLE_NAMES = 5;

function unreadableNames(r: FineTuneResult, ds: Dataset): string[] {
  if (!r.unreadable) return [];
  const used = new Set(r.trunk.used);
  const names: string[] = [];
  for (let i = 0; i < ds.items.length && names.length < UNREADABLE_NAMES; i++) if (!used.has(i)) names.push(ds.items[i]!.source.split('/').pop()!);
  return names;
}

export function runSummary(r: FineTuneResult, ds: Dataset): RunSummary {
  const mistakes = r.valItems
    .map((item, k) => ({ source: ds.items[item]!.source, truth: ds.items[item]!.label, predicted: r.evaluation.predicted[k]!, confidence: r.evaluation.confidence[k]! }))
    .filter((m) => m.truth !== m.predicted)
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, MISTAKE_LIMIT);
  const cells: Record<string, string[]> = {};
  r.valItems.forEach((item, k) => {
    const list = (cells[`${ds.items[item]!.label},${r.evaluation.predicted[k]}`] ??= []);
    if (list.length < CELL_LIMIT) list.push(ds.items[item]!.source);
  });
  return {
    epochs: r.train.epochs,
    best: r.train.best,
    confusion: r.evaluation.confusion,
    precisionRecall: precisionRecall(r.evaluation.confusion),
    featureMs: r.featureMs,
    fromCache: r.fromCache,
    imagesPerSecond: r.fromCache ? 0 : r.trunk.used.length / (r.featureMs / 1000),
    unreadable: r.unreadable,
    unreadableNames: unreadableNames(r, ds),
    stopped: r.train.stopped,
    mistakes,
    cells,
  };
}
