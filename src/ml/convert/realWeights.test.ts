/** The converter on genuine ImageNet weights: SqueezeNet 1.1 from ../shared must recognise the photos. */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImageFile } from '../../../scripts/lib/nodeImage';
import { sharedFile } from '../../../test/shared';
import { tfReady } from '../../../test/tfSetup';
import { toArtifacts } from './artifacts';
import { fromLayersModel, type Backbone } from '../runtime/backbone';
import { convertCheckpoint } from './checkpoint';
import { parseLabels } from '../core/metadata';

let net: Backbone;
beforeAll(async () => {
  await tfReady();
  const files = convertCheckpoint(readFileSync(sharedFile('models/squeezenet1_1/squeezenet1_1-caffe.pth')), {
    arch: 'squeezenet1_1',
    preprocess: 'caffe',
    labels: parseLabels(readFileSync(sharedFile('labels/imagenet-classes.txt'), 'utf8')),
  });
  net = await fromLayersModel(await tf.loadLayersModel(tf.io.fromMemory(toArtifacts(files))));
});

const classify = async (name: string, k = 5) => net.classify(await decodeImageFile(sharedFile(`images/${name}`)), k);

describe('real-weights SqueezeNet 1.1 (caffe preprocessing)', () => {
  it('flamingo.jpg → top-1 flamingo', async () => {
    expect((await classify('flamingo.jpg'))[0]!.index).toBe(130);
  });

  it('cat.jpg and tabby.jpg → a cat class (281–285) in the top 3', async () => {
    for (const img of ['cat.jpg', 'tabby.jpg']) {
      const top3 = (await classify(img, 3)).map((p) => p.index);
      expect(top3.some((i) => i >= 281 && i <= 285), `${img}: ${top3}`).toBe(true);
    }
  });

  it('doberman.png → Doberman in the top 3, among dog breeds', async () => {
    // PyTorch itself ranks Doberman 2nd–3rd for this photo with these weights under the
    // torchvision 256→224 crop (Rottweiler and Appenzeller compete); top-1 is not expected.
    const top3 = await classify('doberman.png', 3);
    expect(top3.map((p) => p.index)).toContain(236);
    expect(top3.every((p) => p.index >= 151 && p.index <= 268)).toBe(true);
  });

  it('channel order matters: fed RGB instead of BGR, the Doberman drops out of the top 3', async () => {
    net.updateMeta({ preprocess: { ...net.meta.preprocess, channelOrder: 'RGB', mean: [123, 117, 104] } });
    try {
      const top3 = (await classify('doberman.png', 3)).map((p) => p.index);
      expect(top3).not.toContain(236);
    } finally {
      net.updateMeta({ preprocess: { mode: 'caffe', mean: [104, 117, 123], std: [1, 1, 1], channelOrder: 'BGR' } });
    }
  });

  it('classify leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    await classify('owl.jpg');
    expect(tf.memory().numTensors).toBe(before);
  });
});
