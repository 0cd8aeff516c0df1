/**
 * npm run convert -- --arch <alexnet|vgg16|squeezenet1_1> --weights <file.pth> --out <dir>
 *   [--preprocess torch|caffe] [--labels <labels.txt>] [--quantize none|float16|uint8] [--name <display name>] [--force]
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { ARCHS } from '../src/ml/convert/archs';
import { describeFormats, QUANTIZE_MODES } from '../src/ml/convert/artifacts';
import { convertCheckpoint } from '../src/ml/convert/checkpoint';
import { parseLabels } from '../src/ml/core/metadata';
import { checkFlags, choice, missingFlags, parseArgs, runCli, str, UsageError } from './lib/args';
import { writeModelDir } from './lib/fsModel';
import { initNodeBackend } from './lib/nodeTf';
import { checkOutput, writeDirAtomic } from './lib/outputs';

const USAGE =
  'usage: npm run convert -- --arch <alexnet|vgg16|squeezenet1_1> --weights <file.pth> --out <dir> [--preprocess torch|caffe] [--labels <labels.txt>] [--quantize none|float16|uint8] [--name <display name>] [--force]';
/** A torchvision checkpoint of these architectures is at most ~600 MB; anything far bigger is not one. */
const MAX_CHECKPOINT_BYTES = 2 * 1024 ** 3;

await runCli(async () => {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  if (!checkFlags(argv, args, USAGE)) return;
  const weights = str(args, 'weights');
  const out = str(args, 'out');
  if (!str(args, 'arch') || !weights || !out) throw missingFlags(USAGE, { arch: str(args, 'arch'), weights, out });
  const arch = choice(args, 'arch', ARCHS, 'vgg16');
  const preprocess = choice(args, 'preprocess', ['torch', 'caffe'] as const, 'torch');
  const quantize = choice(args, 'quantize', QUANTIZE_MODES, 'none');
  if (!existsSync(weights)) throw new UsageError(`no such checkpoint file: ${weights}`);
  if (!statSync(weights).isFile()) throw new UsageError(`--weights ${weights} is a folder, not a file: give the .pth checkpoint itself`);
  if (statSync(weights).size > MAX_CHECKPOINT_BYTES) throw new UsageError(`${weights} is ${(statSync(weights).size / 1e9).toFixed(1)} GB: not a checkpoint of ${ARCHS.join(', ')}`);
  const labelsPath = str(args, 'labels');
  if (labelsPath && !existsSync(labelsPath)) throw new UsageError(`no such labels file: ${labelsPath}`);
  if (labelsPath && !statSync(labelsPath).isFile()) throw new UsageError(`--labels ${labelsPath} is not a file: give a text file with one class name per line`);
  // An empty name showed as "(, wasm, 282 ms)" wherever the model is named.
  const name = str(args, 'name');
  if (name !== undefined && !name.trim()) throw new UsageError('--name is empty: give the model a name, or leave --name out');
  const inputs = [{ flag: '--weights', path: weights }, ...(labelsPath ? [{ flag: '--labels', path: labelsPath }] : [])];
  checkOutput(out, { inputs, kind: 'dir', force: args.has('force') });

  await initNodeBackend();
  const t0 = performance.now();
  const files = convertCheckpoint(readFileSync(weights), {
    arch,
    preprocess,
    quantize,
    labels: labelsPath ? parseLabels(readFileSync(labelsPath, 'utf8')) : undefined,
    name,
    source: `torchvision checkpoint ${basename(weights)}`,
    onWarning: (w) => process.stderr.write(`warning: ${w}\n`),
  });
  const { bytes, shards } = await writeDirAtomic(out, (tmp) => writeModelDir(tmp, files));
  const ms = performance.now() - t0;
  console.log(`converted ${arch} (${describeFormats(files)}) → ${out}: ${(bytes / 1e6).toFixed(1)} MB in ${shards} shards, ${(ms / 1000).toFixed(1)} s`);
});
