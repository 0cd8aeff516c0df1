/**
 * npm run train -- --model <dir> --data <folder|manifest.json|wikiart.csv.gz> --strategy <fc8|fc7-fc8|fc6-head|all-fc>
 *   [--epochs 10] [--batch 128] [--lr 0.01] [--momentum 0.9] [--dropout 0.5] [--weight-decay 0] [--optimizer sgd|adam]
 *   [--val 0.2] [--seed 0] [--augment N views] [--unfreeze-block [--block-lr-scale 0.1]] [--limit N per class] [--base-url URL] --out <dir> [--json]
 *   [--trunk pretrained|random] [--mixup ALPHA] [--force]
 * Progress goes to stderr; with --json the last stdout line is the run as JSON. Unreadable images are
 * skipped and counted; every number is checked against its range (exit 2).
 */
import { limitPerClass, stratifiedSplit } from '../src/ml/core/dataset';
import { datasetWarnings } from '../src/ml/core/datasetChecks';
import { planFor, SurgeryError } from '../src/ml/core/surgery';
import { buildFineTunedModel, fineTunedFiles } from '../src/ml/training/export';
import { fineTune, withBlockWeights } from '../src/ml/training/pipeline';
import { randomizeTrunk } from '../src/ml/training/randomTrunk';
import { COURSE_RECIPE, RECIPE_RANGES, STRATEGIES, type TrainConfig } from '../src/ml/core/vocab';
import { checkFlags, choice, missingFlags, num, parseArgs, runCli, str, urlArg, UsageError } from './lib/args';
import { loadModelDir, writeModelDir } from './lib/fsModel';
import { itemImages, loadDataset, readItems, requireTwoClasses } from './lib/nodeDataset';
import { checkOutput, writeDirAtomic } from './lib/outputs';
import { initNodeBackend } from './lib/nodeTf';

const USAGE = [
  'usage: npm run train -- --model <dir> --data <folder|manifest.json|wikiart.csv.gz> --out <dir> [--strategy fc8|fc7-fc8|fc6-head|all-fc]',
  '  [--epochs 10] [--batch 128] [--lr 0.01] [--momentum 0.9] [--dropout 0.5] [--weight-decay 0] [--optimizer sgd|adam]',
  '  [--val 0.2] [--seed 0] [--augment N] [--mixup ALPHA] [--unfreeze-block [--block-lr-scale 0.1]] [--limit N per class]',
  '  [--trunk pretrained|random] [--base-url URL] [--force] [--json]',
].join('\n');

await runCli(async () => {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  if (!checkFlags(argv, args, USAGE)) return;
  const modelDir = str(args, 'model');
  const data = str(args, 'data');
  const out = str(args, 'out');
  if (!modelDir || !data || !out) throw missingFlags(USAGE, { model: modelDir, data, out });
  const strategy = choice(args, 'strategy', STRATEGIES, 'fc8');
  const config: TrainConfig = {
    optimizer: choice(args, 'optimizer', ['sgd', 'adam'] as const, 'sgd'),
    lr: num(args, 'lr', RECIPE_RANGES.lr, COURSE_RECIPE.lr),
    momentum: num(args, 'momentum', RECIPE_RANGES.momentum, COURSE_RECIPE.momentum),
    batchSize: num(args, 'batch', RECIPE_RANGES.batchSize, COURSE_RECIPE.batchSize),
    epochs: num(args, 'epochs', RECIPE_RANGES.epochs, COURSE_RECIPE.epochs),
    dropout: num(args, 'dropout', RECIPE_RANGES.dropout, COURSE_RECIPE.dropout),
    weightDecay: num(args, 'weight-decay', RECIPE_RANGES.weightDecay, COURSE_RECIPE.weightDecay),
    seed: num(args, 'seed', RECIPE_RANGES.seed, COURSE_RECIPE.seed),
    augmentViews: num(args, 'augment', RECIPE_RANGES.augmentViews, 0),
    mixup: num(args, 'mixup', RECIPE_RANGES.mixup, 0),
    unfreezeBlock: args.has('unfreeze-block'),
    blockLrScale: num(args, 'block-lr-scale', RECIPE_RANGES.blockLrScale, 0.1),
  };
  if (args.has('block-lr-scale') && !config.unfreezeBlock) throw new UsageError('--block-lr-scale sets the unfrozen block\'s learning rate: it needs --unfreeze-block');
  const valFraction = num(args, 'val', RECIPE_RANGES.valFraction, 0.2);
  const limit = num(args, 'limit', { integer: true, min: 1 });
  // The control: the same strategy and recipe on a trunk that learned nothing (seeded random weights).
  const trunk = choice(args, 'trunk', ['pretrained', 'random'] as const, 'pretrained');
  const baseUrl = urlArg(args, 'base-url');
  checkOutput(out, { inputs: [{ flag: '--model', path: modelDir }, ...(/^https?:/.test(data) ? [] : [{ flag: '--data', path: data }])], kind: 'dir', force: args.has('force') });
  const log = (s: string) => process.stderr.write(`${s}\n`);

  const t0 = performance.now();
  const backend = await initNodeBackend();
  const backbone = await loadModelDir(modelDir);
  for (const w of backbone.warnings) log(`warning: ${w}`);
  if (trunk === 'random') {
    if (!backbone.meta.trunkOutput) throw new UsageError('--trunk random needs a model whose metadata names its trunk output');
    log(`trunk re-drawn at random (seed ${config.seed}): ${randomizeTrunk(backbone.model, backbone.meta.trunkOutput, config.seed)} weight tensors`);
  }
  // The strategy against this model, before any image is read (SqueezeNet has no fc7 to replace).
  try {
    planFor(backbone.model, backbone.meta, strategy, 2);
  } catch (e) {
    if (e instanceof SurgeryError) throw new UsageError(e.message);
    throw e;
  }
  let ds = await loadDataset(data, { baseUrl, log });
  requireTwoClasses(ds);
  if (limit) ds = limitPerClass(ds, limit, config.seed);
  ds = stratifiedSplit(ds, valFraction, config.seed);
  for (const w of datasetWarnings(ds)) log(`warning: ${w}`);
  const trainCount = ds.items.filter((i) => i.split === 'train').length;
  if (config.batchSize > trainCount) log(`warning: the batch (${config.batchSize}) is larger than the training split (${trainCount} images): one step per epoch`);
  log(`${ds.name}: ${ds.items.length} images in ${ds.classes.length} classes; backend ${backend.name}`);
  const bytes = await readItems(ds, (d, f, t) => {
    if (d % 500 === 0 || d === t) log(`read ${d}/${t}${f ? ` (${f} failed)` : ''}`);
  }, log);
  const r = await fineTune(backbone, ds, {
    strategy,
    config,
    image: itemImages(ds, bytes, log),
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
  await writeDirAtomic(out, (tmp) => writeModelDir(tmp, files));
  const result = {
    epochs: r.train.epochs.map((e) => ({ ...e, ms: Math.round(e.ms) })),
    best: r.train.best,
    featureMs: Math.round(r.featureMs),
    ms: Math.round(performance.now() - t0),
    images: { train: r.trainItems.length, val: r.valItems.length, unreadable: r.unreadable },
    backend: backend.name,
    trunk,
    mixup: config.mixup,
    out,
  };
  if (args.has('json')) console.log(JSON.stringify(result));
  else log(`best epoch ${result.best.epoch}: val acc ${result.best.valAcc.toFixed(3)} → ${out}`);
});
