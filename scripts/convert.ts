/**
 * npm run convert -- --arch <alexnet|vgg16|squeezenet1_1> --weights <file.pth> --out <dir>
 *   [--preprocess torch|caffe] [--labels <labels.txt>] [--quantize none|float16|uint8] [--name <display name>]
 */
import { readFileSync, existsSync } from 'node:fs';
import { basename } from 'node:path';
import { ARCHS, isArch } from '../src/ml/convert/archs';
import { QUANTIZE_MODES, type Quantize } from '../src/ml/convert/artifacts';
import { convertCheckpoint } from '../src/ml/convert/checkpoint';
import { isPreprocessMode, parseLabels } from '../src/ml/core/metadata';
import { fail, parseArgs, str } from './lib/args';
import { writeModelDir } from './lib/fsModel';
import { initNodeBackend } from './lib/nodeTf';

const USAGE =
  'usage: npm run convert -- --arch <alexnet|vgg16|squeezenet1_1> --weights <file.pth> --out <dir> [--preprocess torch|caffe] [--labels <labels.txt>] [--quantize none|float16|uint8] [--name <display name>]';

const args = parseArgs(process.argv.slice(2));
if (args.has('help')) {
  console.log(USAGE);
  process.exit(0);
}
const arch = str(args, 'arch');
const weights = str(args, 'weights');
const out = str(args, 'out');
if (!arch || !weights || !out) fail(USAGE);
if (!isArch(arch)) fail(`unknown --arch "${arch}"; valid: ${ARCHS.join(', ')}`);
const preprocess = str(args, 'preprocess') ?? 'torch';
if (!isPreprocessMode(preprocess) || preprocess === 'unit') fail(`unknown --preprocess "${preprocess}"; valid: torch, caffe`);
const quantize = (str(args, 'quantize') ?? 'none') as Quantize;
if (!QUANTIZE_MODES.includes(quantize)) fail(`unknown --quantize "${quantize}"; valid: ${QUANTIZE_MODES.join(', ')}`);
if (!existsSync(weights)) fail(`no such file: ${weights}`);
const labelsPath = str(args, 'labels');
if (labelsPath && !existsSync(labelsPath)) fail(`no such labels file: ${labelsPath}`);

await initNodeBackend();
const t0 = performance.now();
try {
  const files = convertCheckpoint(readFileSync(weights), {
    arch,
    preprocess,
    quantize,
    labels: labelsPath ? parseLabels(readFileSync(labelsPath, 'utf8')) : undefined,
    name: str(args, 'name'),
    source: `torchvision checkpoint ${basename(weights)}`,
  });
  const { bytes, shards } = writeModelDir(out, files);
  const ms = performance.now() - t0;
  console.log(`converted ${arch} (${quantize}) → ${out}: ${(bytes / 1e6).toFixed(1)} MB in ${shards} shards, ${(ms / 1000).toFixed(1)} s`);
} catch (e) {
  fail((e as Error).message, 1);
}
