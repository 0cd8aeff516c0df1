/**
 * npm run saliency -- --model <dir> --image <file> [--class <index>]
 *   [--method vanilla|smoothgrad|integrated-gradients|gradient-x-input|gradcam]
 *   [--samples N] [--steps M] [--noise PCT] [--baseline black|blur] [--layer NAME]
 *   [--aggregate max|sum] [--batch B] --out <map.png> [--json]
 *
 * Writes the map as an 8-bit grayscale PNG at the model's input resolution, scaled so the
 * maximum is 255. Prints {"class", "label", "method", "ms", "backend"} with --json.
 */
import { existsSync } from 'node:fs';
import { loadBackbone } from '../src/ml/runtime/backbone';
import { computeSaliency } from '../src/ml/saliency/saliency';
import { logitsModel } from '../src/ml/saliency/logitsModel';
import { isSaliencyMethod, SALIENCY_METHODS } from '../src/ml/core/vocab';
import { fail, parseArgs, str } from './lib/args';
import { fileSystemHandler } from './lib/fsModel';
import { decodeImageFile } from './lib/nodeImage';
import { initNodeBackend } from './lib/nodeTf';
import { writeGrayPng } from './lib/png';

const args = parseArgs(process.argv.slice(2));
const modelDir = str(args, 'model');
const image = str(args, 'image');
const out = str(args, 'out');
if (!modelDir || !image || !out) fail('usage: npm run saliency -- --model <dir> --image <file> [--class <index>] [--method vanilla|…] --out <map.png> [--json]');
if (!existsSync(image)) fail(`no such image: ${image}`);
const method = str(args, 'method') ?? 'vanilla';
if (!isSaliencyMethod(method)) fail(`unknown --method "${method}"; valid: ${SALIENCY_METHODS.join(', ')}`);
const int = (key: string): number | undefined => {
  const v = str(args, key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) fail(`--${key} must be a non-negative integer`);
  return n;
};
const aggregate = str(args, 'aggregate') ?? 'max';
if (aggregate !== 'max' && aggregate !== 'sum') fail('--aggregate must be max or sum');
const baseline = str(args, 'baseline') ?? 'black';
if (baseline !== 'black' && baseline !== 'blur') fail('--baseline must be black or blur');

try {
  const backend = await initNodeBackend();
  const net = await loadBackbone(fileSystemHandler(modelDir));
  const x = net.preprocess(await decodeImageFile(image));
  const requested = int('class');
  if (requested !== undefined && requested >= net.meta.labels.length) fail(`--class ${requested} is out of range 0..${net.meta.labels.length - 1}`);
  const logits = logitsModel(net.model);
  const t0 = performance.now();
  const r = await computeSaliency(logits.model, x, {
    method,
    classIndex: requested ?? 'top1',
    aggregate,
    samples: int('samples'),
    steps: int('steps'),
    noisePct: str(args, 'noise') ? Number(str(args, 'noise')) : undefined,
    baseline,
    preprocess: net.meta.preprocess,
    layer: str(args, 'layer') ?? net.meta.trunkOutput ?? undefined,
    batchSize: int('batch'),
  });
  const ms = Math.round(performance.now() - t0);
  writeGrayPng(out, r.map, r.width, r.height);
  const cls = r.classIndex;
  const result = { class: cls, label: net.meta.labels[cls], method, ms, backend: backend.name };
  if (args.has('json')) console.log(JSON.stringify(result));
  else console.log(`${method} map for class ${cls} (${result.label}) → ${out} in ${ms} ms on ${backend.name}`);
  x.dispose();
  logits.dispose();
  net.dispose();
} catch (e) {
  fail((e as Error).message, 1);
}
