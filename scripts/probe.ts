/**
 * npm run probe -- --model <dir> --data <folder|manifest.json|wikiart.csv.gz> --layers a,b,c
 *   [--epochs 20] [--seed 0] [--val 0.2] [--limit N per class] [--json]
 *
 * "Which layer to cut?": the same linear classifier on features from each named layer (globally
 * average-pooled where spatial), same split and seed. Prints
 * {"layers":[{"layer","dim","valAcc","ms"}],"chance"} with --json; progress on stderr.
 */
import { limitPerClass, stratifiedSplit } from '../src/ml/core/dataset';
import { datasetWarnings } from '../src/ml/core/datasetChecks';
import { RECIPE_RANGES } from '../src/ml/core/vocab';
import { layerProbe } from '../src/ml/training/probe';
import { checkFlags, missingFlags, num, parseArgs, runCli, str, UsageError } from './lib/args';
import { loadModelDir, unknownLayers } from './lib/fsModel';
import { itemImages, loadDataset, readItems, requireTwoClasses } from './lib/nodeDataset';
import { initNodeBackend } from './lib/nodeTf';

const USAGE = 'usage: npm run probe -- --model <dir> --data <folder|manifest.json|wikiart.csv.gz> --layers a,b,c [--epochs 20] [--seed 0] [--val 0.2] [--limit N per class] [--json]';

await runCli(async () => {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  if (!checkFlags(argv, args, USAGE)) return;
  const modelDir = str(args, 'model');
  const data = str(args, 'data');
  const layers = (str(args, 'layers') ?? '').split(',').map((l) => l.trim()).filter(Boolean);
  const twice = layers.find((l, i) => layers.indexOf(l) !== i);
  if (twice) throw new UsageError(`--layers names ${twice} twice`);
  if (!modelDir || !data || layers.length === 0) throw missingFlags(USAGE, { model: modelDir, data, layers });
  const epochs = num(args, 'epochs', RECIPE_RANGES.epochs, 20);
  const seed = num(args, 'seed', RECIPE_RANGES.seed, 0);
  const val = num(args, 'val', RECIPE_RANGES.valFraction, 0.2);
  const limit = num(args, 'limit', { integer: true, min: 1 });
  const log = (s: string) => process.stderr.write(`${s}\n`);

  const backend = await initNodeBackend();
  const net = await loadModelDir(modelDir);
  for (const w of net.warnings) log(`warning: ${w}`);
  const missing = unknownLayers(net.model, layers);
  if (missing) throw new UsageError(missing);
  let ds = await loadDataset(data, { log });
  if (limit) ds = limitPerClass(ds, limit, seed);
  ds = stratifiedSplit(ds, val, seed);
  for (const w of datasetWarnings(ds)) log(`warning: ${w}`);
  // Before any feature is computed: a classifier over one class is no probe (it failed in TF.js's oneHot, late).
  requireTwoClasses(ds, "the probe's classifier");
  log(`${ds.name}: ${ds.items.length} images in ${ds.classes.length} classes; ${layers.length} depths; backend ${backend.name}`);
  const bytes = await readItems(ds, undefined, log);
  const t0 = performance.now();
  const r = await layerProbe(net, ds, layers, {
    epochs,
    seed,
    image: itemImages(ds, bytes, log),
    onProgress: (phase, d, t) => {
      if (phase === 'train' || d % 512 < 16 || d === t) log(`${phase} ${d}/${t}`);
    },
  });
  for (const l of r.layers) log(`${l.layer.padEnd(18)} dim ${String(l.dim).padStart(5)}  val acc ${l.valAcc.toFixed(3)}  (${l.ms} ms)`);
  log(`chance ${r.chance.toFixed(3)}; ${((performance.now() - t0) / 1000).toFixed(1)} s in all`);
  if (args.has('json')) console.log(JSON.stringify(r));
  net.dispose();
});
