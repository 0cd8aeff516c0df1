/**
 * npm run train -- --model <dir> --data <folder|manifest.json|wikiart.csv.gz> --strategy <fc8|fc7-fc8|fc6-head|all-fc>
 *   [--epochs 10] [--batch 128] [--lr 0.01] [--momentum 0.9] [--dropout 0.5] [--weight-decay 0] [--optimizer sgd|adam]
 *   [--val 0.2] [--seed 0] [--augment N views] [--unfreeze-block [--block-lr-scale 0.1]] [--limit N per class] [--base-url URL] --out <dir> [--json]
 * Progress goes to stderr; with --json the last stdout line is the run as JSON.
 */
import { loadBackbone } from '../src/ml/runtime/backbone';
import { datasetWarnings, limitPerClass, stratifiedSplit } from '../src/ml/core/dataset';
import { buildFineTunedModel, fineTunedFiles } from '../src/ml/training/export';
import { fineTune, withBlockWeights } from '../src/ml/training/pipeline';
import { isStrategy, STRATEGIES } from '../src/ml/core/vocab';
import { COURSE_RECIPE, type TrainConfig } from '../src/ml/core/vocab';
import { fail, parseArgs, str } from './lib/args';
import { fileSystemHandler, writeModelDir } from './lib/fsModel';
import { loadDataset, readItems } from './lib/nodeDataset';
import { decodeImageBytes } from './lib/nodeImage';
import { initNodeBackend } from './lib/nodeTf';

const args = parseArgs(process.argv.slice(2));
const modelDir = str(args, 'model');
const data = str(args, 'data');
const out = str(args, 'out');
const strategy = str(args, 'strategy') ?? 'fc8';
if (!modelDir || !data || !out) fail('usage: npm run train -- --model <dir> --data <folder|manifest.json|wikiart.csv.gz> --strategy <fc8|fc7-fc8|fc6-head|all-fc> --out <dir> [--json]');
if (!isStrategy(strategy)) fail(`unknown --strategy "${strategy}"; valid: ${STRATEGIES.join(', ')}`);
const num = (key: string, dflt: number): number => {
  const v = str(args, key);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) fail(`--${key} must be a non-negative number`);
  return n;
};
const optimizer = str(args, 'optimizer') ?? 'sgd';
if (optimizer !== 'sgd' && optimizer !== 'adam') fail('--optimizer must be sgd or adam');
const config: TrainConfig = {
  optimizer,
  lr: num('lr', COURSE_RECIPE.lr),
  momentum: num('momentum', COURSE_RECIPE.momentum),
  batchSize: Math.max(1, Math.round(num('batch', COURSE_RECIPE.batchSize))),
  epochs: Math.max(1, Math.round(num('epochs', COURSE_RECIPE.epochs))),
  dropout: num('dropout', COURSE_RECIPE.dropout),
  weightDecay: num('weight-decay', COURSE_RECIPE.weightDecay),
  seed: Math.round(num('seed', COURSE_RECIPE.seed)),
  augmentViews: Math.round(num('augment', 0)),
  unfreezeBlock: args.has('unfreeze-block'),
  blockLrScale: num('block-lr-scale', 0.1),
};
const log = (s: string) => process.stderr.write(`${s}\n`);

try {
  const t0 = performance.now();
  const backend = await initNodeBackend();
  const backbone = await loadBackbone(fileSystemHandler(modelDir));
  let ds = await loadDataset(data, { baseUrl: str(args, 'base-url') });
  const limit = str(args, 'limit');
  if (limit) ds = limitPerClass(ds, Number(limit), config.seed);
  ds = stratifiedSplit(ds, num('val', 0.2), config.seed);
  for (const w of datasetWarnings(ds)) log(`warning: ${w}`);
  log(`${ds.name}: ${ds.items.length} images in ${ds.classes.length} classes; backend ${backend.name}`);
  const bytes = await readItems(ds, (d, f, t) => {
    if (d % 500 === 0 || d === t) log(`read ${d}/${t}${f ? ` (${f} failed)` : ''}`);
  });
  const r = await fineTune(backbone, ds, {
    strategy,
    config,
    image: (i) => {
      const b = bytes[i];
      if (!b) return null;
      try {
        return decodeImageBytes(b);
      } catch {
        return null;
      }
    },
    onFeatures: (d, t) => {
      if (d % 256 < 32 || d === t) log(`features ${d}/${t}`);
    },
    onEpoch: (e) => log(`epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)} acc ${e.trainAcc.toFixed(3)} · val loss ${e.valLoss.toFixed(4)} acc ${e.valAcc.toFixed(3)} · ${(e.ms / 1000).toFixed(1)} s`),
  });
  if (r.unreadable) log(`${r.unreadable} images could not be read and were skipped`);
  // Export the best validation epoch's weights.
  if (r.train.bestWeights) r.head.restore(r.train.bestWeights);
  const files = await withBlockWeights(backbone.model, r, 'best', () =>
    fineTunedFiles(buildFineTunedModel(backbone.model, r.plan, r.head, config.dropout), backbone.meta, r.plan, ds.classes, {
      strategy: config.unfreezeBlock ? `${strategy}+last-conv-block` : strategy,
      recipe: config,
      epochs: r.train.epochs,
      best: r.train.best,
      dataset: { name: ds.name, classes: ds.classes, train: r.trainItems.length, val: r.valItems.length },
    }),
  );
  writeModelDir(out, files);
  const result = {
    epochs: r.train.epochs.map((e) => ({ ...e, ms: Math.round(e.ms) })),
    best: r.train.best,
    featureMs: Math.round(r.featureMs),
    ms: Math.round(performance.now() - t0),
    images: { train: r.trainItems.length, val: r.valItems.length, unreadable: r.unreadable },
    backend: backend.name,
    out,
  };
  if (args.has('json')) console.log(JSON.stringify(result));
  else log(`best epoch ${result.best.epoch}: val acc ${result.best.valAcc.toFixed(3)} → ${out}`);
} catch (e) {
  fail((e as Error).message, 1);
}
