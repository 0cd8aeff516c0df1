/** npm run predict -- --model <dir> --image <file> [--top 5] --json */
import { existsSync } from 'node:fs';
import { loadBackbone } from '../src/ml/runtime/backbone';
import { fail, parseArgs, str } from './lib/args';
import { fileSystemHandler } from './lib/fsModel';
import { decodeImageFile } from './lib/nodeImage';
import { initNodeBackend } from './lib/nodeTf';

const args = parseArgs(process.argv.slice(2));
const modelDir = str(args, 'model');
const image = str(args, 'image');
if (!modelDir || !image) fail('usage: npm run predict -- --model <dir> --image <file> [--top 5] --json');
if (!existsSync(image)) fail(`no such image: ${image}`);
const top = Number(str(args, 'top') ?? '5');
if (!(Number.isInteger(top) && top > 0)) fail('--top must be a positive integer');

try {
  const backend = await initNodeBackend();
  const backbone = await loadBackbone(fileSystemHandler(modelDir));
  const img = await decodeImageFile(image);
  const t0 = performance.now();
  const preds = await backbone.classify(img, top);
  const ms = Math.round(performance.now() - t0);
  if (args.has('json')) {
    console.log(JSON.stringify({ top: preds.map((p) => ({ index: p.index, label: p.label, prob: Number(p.prob.toFixed(6)) })), backend: backend.name, ms }));
  } else {
    for (const p of preds) console.log(`${(p.prob * 100).toFixed(1).padStart(5)}%  ${p.index}  ${p.label}`);
    console.log(`(${backbone.meta.name}, ${backend.name}, ${ms} ms)`);
  }
  backbone.dispose();
} catch (e) {
  fail((e as Error).message, 1);
}
