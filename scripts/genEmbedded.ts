/**
 * npm run gen:embedded — rebuilds public/embedded (committed): the default model and sample
 * photos a fresh, offline clone serves. Reads the test assets from SHARED_DIR (../shared).
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fail } from './lib/args';
import { EMBEDDED_MODEL_ID, EMBEDDED_MODEL_NAME, EMBEDDED_SAMPLES, embeddedModelFiles } from './lib/embedded';
import { writeModelDir } from './lib/fsModel';
import { initNodeBackend } from './lib/nodeTf';

const ROOT = resolve(import.meta.dirname, '..');
const shared = resolve(process.env.SHARED_DIR ?? join(ROOT, '../shared'));
if (!existsSync(join(shared, 'models/squeezenet1_1/squeezenet1_1-caffe.pth'))) fail(`the test assets are not at ${shared} (set SHARED_DIR)`);
await initNodeBackend();

const out = join(ROOT, 'public/embedded');
const tmp = `${out}.tmp-${process.pid}`;
rmSync(tmp, { recursive: true, force: true });
const { bytes } = writeModelDir(join(tmp, 'models', EMBEDDED_MODEL_ID), embeddedModelFiles(shared));
mkdirSync(join(tmp, 'sample-images'), { recursive: true });
for (const s of EMBEDDED_SAMPLES) {
  copyFileSync(join(shared, 'images', s.file), join(tmp, 'sample-images', s.file));
  chmodSync(join(tmp, 'sample-images', s.file), 0o644);
}
const index = {
  generatedBy: 'npm run gen:embedded',
  models: [{ id: EMBEDDED_MODEL_ID, name: EMBEDDED_MODEL_NAME, arch: 'squeezenet1_1', url: `embedded/models/${EMBEDDED_MODEL_ID}/model.json`, bytes, quantize: 'float16', source: 'embedded default', embedded: true }],
  images: EMBEDDED_SAMPLES.map((s) => ({ file: s.file, url: `embedded/sample-images/${s.file}`, expect: s.expect, subject: s.subject })),
};
writeFileSync(join(tmp, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
writeFileSync(
  join(tmp, 'ATTRIBUTION.md'),
  [
    '# Embedded default: sources and licences',
    '',
    `## models/${EMBEDDED_MODEL_ID}`,
    'SqueezeNet v1.1 (Iandola et al. 2016), the original Caffe release by DeepScale, BSD-2-Clause',
    '(https://github.com/DeepScale/SqueezeNet). Repackaged from the per-layer files of chaosmail/caffejs',
    '(MIT) into a torchvision-layout checkpoint, then converted to TF.js float16 by this project\'s',
    'converter (`npm run gen:embedded`). ImageNet class names in the standard synset order.',
    '',
    '## sample-images',
    ...EMBEDDED_SAMPLES.map((s) => `- ${s.file} (${s.subject}): ${s.credit}`),
    '',
  ].join('\n'),
);
rmSync(out, { recursive: true, force: true });
renameSync(tmp, out);
const photos = EMBEDDED_SAMPLES.reduce((a, s) => a + statSync(join(out, 'sample-images', s.file)).size, 0);
console.log(`public/embedded: ${EMBEDDED_MODEL_ID} ${(bytes / 1e6).toFixed(2)} MB, ${EMBEDDED_SAMPLES.length} photos ${(photos / 1e6).toFixed(2)} MB`);
