/**
 * npm run saliency -- --model <dir> --image <file> [--class <index>]
 *   [--method vanilla|smoothgrad|integrated-gradients|gradient-x-input|gradcam]
 *   [--samples N] [--steps M] [--noise PCT] [--baseline black|blur] [--layer NAME]
 *   [--aggregate max|sum] [--batch B] --out <map.png> [--force] [--json]
 *
 * Writes the map as an 8-bit grayscale PNG at the model's input resolution, scaled so the
 * maximum is 255. Prints {"class", "label", "method", "ms", "backend"} with --json.
 */
import { SALIENCY_METHODS } from '../src/ml/core/vocab';
import { logitsModel } from '../src/ml/saliency/logitsModel';
import { computeSaliency } from '../src/ml/saliency/saliency';
import { checkFlags, choice, missingFlags, num, parseArgs, runCli, str, UsageError } from './lib/args';
import { loadModelDir, unknownLayers } from './lib/fsModel';
import { decodeImageFile } from './lib/nodeImage';
import { initNodeBackend } from './lib/nodeTf';
import { setFlipCaching } from '../src/ml/runtime/wasm/register';
import { checkOutput, writeFileAtomic } from './lib/outputs';
import { grayPng } from './lib/png';

const USAGE = [
  'usage: npm run saliency -- --model <dir> --image <file> --out <map.png> [--class <index>]',
  '  [--method vanilla|smoothgrad|integrated-gradients|gradient-x-input|gradcam] [--samples N] [--steps M] [--noise PCT]',
  '  [--baseline black|blur] [--layer NAME] [--aggregate max|sum] [--batch B] [--force] [--json]',
].join('\n');

/** The flags only some methods read. */
const ONLY_FOR: Record<string, readonly string[]> = {
  samples: ['smoothgrad'],
  noise: ['smoothgrad'],
  steps: ['integrated-gradients'],
  baseline: ['integrated-gradients'],
  batch: ['smoothgrad', 'integrated-gradients'],
  layer: ['gradcam'],
  // Grad-CAM weighs a layer's channels; the colour channels are never summed or maxed (it took --aggregate sum in silence).
  aggregate: ['vanilla', 'smoothgrad', 'integrated-gradients', 'gradient-x-input'],
};

await runCli(async () => {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  if (!checkFlags(argv, args, USAGE)) return;
  const modelDir = str(args, 'model');
  const image = str(args, 'image');
  const out = str(args, 'out');
  if (!modelDir || !image || !out) throw missingFlags(USAGE, { model: modelDir, image, out });
  const method = choice(args, 'method', SALIENCY_METHODS, 'vanilla');
  const aggregate = choice(args, 'aggregate', ['max', 'sum'] as const, 'max');
  const baseline = choice(args, 'baseline', ['black', 'blur'] as const, 'black');
  const opts = {
    samples: num(args, 'samples', { integer: true, min: 1, max: 1000 }),
    steps: num(args, 'steps', { integer: true, min: 1, max: 1000 }),
    noisePct: num(args, 'noise', { min: 0, max: 100, exclusiveMin: true }),
    batchSize: num(args, 'batch', { integer: true, min: 1, max: 256 }),
  };
  const requested = num(args, 'class', { integer: true, min: 0 });
  // A setting the chosen method does not read is a mistake to say, not to ignore (--samples 5 with vanilla).
  for (const [flag, methods] of Object.entries(ONLY_FOR))
    if (args.has(flag) && !methods.includes(method)) throw new UsageError(`--${flag} applies to ${methods.join(' and ')} only; the method is ${method} (--method)`);
  checkOutput(out, { inputs: [{ flag: '--image', path: image }, { flag: '--model', path: modelDir }], kind: 'file', force: args.has('force') });
  if (!/\.png$/i.test(out)) throw new UsageError(`--out ${out}: the map is written as PNG; name it .png`);

  const backend = await initNodeBackend();
  // One map per run: flipped filters are worth keeping only where a filter is used again (SmoothGrad).
  setFlipCaching('from-second-use');
  const net = await loadModelDir(modelDir);
  for (const w of net.warnings) process.stderr.write(`warning: ${w}\n`);
  if (requested !== undefined && requested >= net.meta.labels.length) throw new UsageError(`--class ${requested} is out of range 0..${net.meta.labels.length - 1}`);
  const layerArg = str(args, 'layer');
  const missing = layerArg === undefined ? null : unknownLayers(net.model, [layerArg]);
  if (missing) throw new UsageError(missing);
  const x = net.preprocess(await decodeImageFile(image));
  const logits = logitsModel(net.model);
  try {
    const t0 = performance.now();
    const r = await computeSaliency(logits.model, x, {
      method,
      classIndex: requested ?? 'top1',
      aggregate,
      ...opts,
      baseline,
      preprocess: net.meta.preprocess,
      layer: layerArg ?? net.meta.trunkOutput ?? undefined,
    });
    const ms = Math.round(performance.now() - t0);
    writeFileAtomic(out, grayPng(r.map, r.width, r.height));
    const cls = r.classIndex;
    const result = { class: cls, label: net.meta.labels[cls], method, ms, backend: backend.name };
    if (args.has('json')) console.log(JSON.stringify(result));
    else console.log(`${method} map for class ${cls} (${result.label}) → ${out} in ${ms} ms on ${backend.name}`);
  } finally {
    x.dispose();
    logits.dispose();
    net.dispose();
  }
});
