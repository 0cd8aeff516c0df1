/** npm run make-random -- --arch vgg16 [--seed 1] --out <dir> [--quantize none|float16|uint8] [--classes N] [--preprocess torch|caffe|unit] [--force] */
import { ARCHS } from '../src/ml/convert/archs';
import { describeFormats, QUANTIZE_MODES } from '../src/ml/convert/artifacts';
import { makeRandomModelFiles } from '../src/ml/convert/checkpoint';
import { checkFlags, choice, missingFlags, num, parseArgs, runCli, str } from './lib/args';
import { writeModelDir } from './lib/fsModel';
import { initNodeBackend } from './lib/nodeTf';
import { checkOutput, writeDirAtomic } from './lib/outputs';

const USAGE = 'usage: npm run make-random -- --arch <alexnet|vgg16|squeezenet1_1> [--seed 1] --out <dir> [--quantize none|float16|uint8] [--classes N] [--preprocess torch|caffe|unit] [--force]';

await runCli(async () => {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  if (!checkFlags(argv, args, USAGE)) return;
  const out = str(args, 'out');
  if (!str(args, 'arch') || !out) throw missingFlags(USAGE, { arch: str(args, 'arch'), out });
  const arch = choice(args, 'arch', ARCHS, 'vgg16');
  const seed = num(args, 'seed', { integer: true, min: 0, max: 2 ** 32 - 1 }, 1);
  const quantize = choice(args, 'quantize', QUANTIZE_MODES, 'none');
  const preprocess = choice(args, 'preprocess', ['torch', 'caffe', 'unit'] as const, 'torch');
  const classes = num(args, 'classes', { integer: true, min: 2, max: 100_000 }, 1000);
  checkOutput(out, { inputs: [], kind: 'dir', force: args.has('force') });
  await initNodeBackend();
  const t0 = performance.now();
  const files = makeRandomModelFiles(arch, seed, { quantize, preprocess, numClasses: classes });
  const { bytes, shards } = await writeDirAtomic(out, (tmp) => writeModelDir(tmp, files));
  console.log(`random ${arch} seed ${seed} (${describeFormats(files)}) → ${out}: ${(bytes / 1e6).toFixed(1)} MB in ${shards} shards, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
});
