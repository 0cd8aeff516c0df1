/** The committed default (public/embedded) is what our converter makes, and its samples are ones it gets right. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, SHARED_DIR, sharedFile } from '../test/shared';
import { tfReady } from '../test/tfSetup';
import { loadBackbone } from '../src/ml/runtime/backbone';
import { EMBEDDED_MODEL_ID, EMBEDDED_SAMPLES, embeddedModelFiles } from './lib/embedded';
import { fileSystemHandler } from './lib/fsModel';
import { decodeImageFile } from './lib/nodeImage';

const DIR = join(ROOT, 'public/embedded');

describe('embedded default (public/embedded)', () => {
  it('is byte for byte what the converter makes from the shared checkpoint today (npm run gen:embedded)', async () => {
    await tfReady();
    sharedFile('models/squeezenet1_1/squeezenet1_1-caffe.pth');
    const files = embeddedModelFiles(SHARED_DIR);
    const dir = join(DIR, 'models', EMBEDDED_MODEL_ID);
    expect(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(files.modelJson)));
    for (const s of files.shards) expect(Buffer.compare(readFileSync(join(dir, s.name)), Buffer.from(s.bytes)), s.name).toBe(0);
  });

  it('lists every sample photo, with its licence, and each is top-1 right on the embedded model', async () => {
    await tfReady();
    const index = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')) as { images: { file: string; expect: number[] }[]; models: { url: string }[] };
    const attribution = readFileSync(join(DIR, 'ATTRIBUTION.md'), 'utf8');
    expect(index.images.map((i) => i.file)).toEqual(EMBEDDED_SAMPLES.map((s) => s.file));
    expect(index.models[0]!.url).toBe(`embedded/models/${EMBEDDED_MODEL_ID}/model.json`);
    const net = await loadBackbone(fileSystemHandler(join(DIR, 'models', EMBEDDED_MODEL_ID)));
    try {
      for (const s of index.images) {
        expect(attribution).toContain(s.file);
        const top = await net.classify(await decodeImageFile(join(DIR, 'sample-images', s.file)), 1);
        expect(s.expect, `${s.file}: top-1 ${top[0]!.index} ${top[0]!.label}`).toContain(top[0]!.index);
      }
    } finally {
      net.dispose();
    }
  });
});
