/** npm run predict -- --model <dir> --image <file> [--top 5] [--json] */
import { checkFlags, missingFlags, num, parseArgs, runCli, str } from './lib/args';
import { loadModelDir } from './lib/fsModel';
import { decodeImageFile } from './lib/nodeImage';
import { initNodeBackend } from './lib/nodeTf';

const USAGE = 'usage: npm run predict -- --model <dir> --image <file> [--top 5] [--json]';

await runCli(async () => {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  if (!checkFlags(argv, args, USAGE)) return;
  const modelDir = str(args, 'model');
  const image = str(args, 'image');
  if (!modelDir || !image) throw missingFlags(USAGE, { model: modelDir, image });
  const top = num(args, 'top', { integer: true, min: 1, max: 1000 }, 5);
  const backend = await initNodeBackend();
  const backbone = await loadModelDir(modelDir);
  for (const w of backbone.warnings) process.stderr.write(`warning: ${w}\n`);
  const img = await decodeImageFile(image);
  const t0 = performance.now();
  const preds = await backbone.classify(img, Math.min(top, backbone.meta.labels.length));
  const ms = Math.round(performance.now() - t0);
  if (args.has('json')) {
    console.log(JSON.stringify({ top: preds.map((p) => ({ index: p.index, label: p.label, prob: Number(p.prob.toFixed(6)) })), backend: backend.name, ms }));
  } else {
    for (const p of preds) console.log(`${(p.prob * 100).toFixed(1).padStart(5)}%  ${p.index}  ${p.label}`);
    console.log(`(${backbone.meta.name}, ${backend.name}, ${ms} ms)`);
  }
  backbone.dispose();
});
