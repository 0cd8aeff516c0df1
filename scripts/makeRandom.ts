/** npm run make-random -- --arch vgg16 --seed 1 --out <dir> [--quantize none|float16|uint8] [--classes N] */
import { ARCHS, isArch } from '../src/ml/convert/archs';
import { QUANTIZE_MODES, type Quantize } from '../src/ml/convert/artifacts';
import { makeRandomModelFiles } from '../src/ml/convert/checkpoint';
import { isPreprocessMode } from '../src/ml/core/metadata';
import { fail, parseArgs, str } from './lib/args';
import { writeModelDir } from './lib/fsModel';
import { initNodeBackend } from './lib/nodeTf';

const args = parseArgs(process.argv.slice(2));
const arch = str(args, 'arch');
const out = str(args, 'out');
if (!arch || !out) fail('usage: npm run make-random -- --arch <alexnet|vgg16|squeezenet1_1> --seed 1 --out <dir> [--quantize none|float16|uint8]');
if (!isArch(arch)) fail(`unknown --arch "${arch}"; valid: ${ARCHS.join(', ')}`);
const seed = Number(str(args, 'seed') ?? '1');
if (!Number.isInteger(seed)) fail('--seed must be an integer');
const quantize = (str(args, 'quantize') ?? 'none') as Quantize;
if (!QUANTIZE_MODES.includes(quantize)) fail(`unknown --quantize "${quantize}"; valid: ${QUANTIZE_MODES.join(', ')}`);
const preprocess = str(args, 'preprocess') ?? 'torch';
if (!isPreprocessMode(preprocess)) fail(`unknown --preprocess "${preprocess}"`);
const classes = Number(str(args, 'classes') ?? '1000');

await initNodeBackend();
const t0 = performance.now();
const files = makeRandomModelFiles(arch, seed, { quantize, preprocess, numClasses: classes });
const { bytes, shards } = writeModelDir(out, files);
console.log(`random ${arch} seed ${seed} (${quantize}) → ${out}: ${(bytes / 1e6).toFixed(1)} MB in ${shards} shards, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
