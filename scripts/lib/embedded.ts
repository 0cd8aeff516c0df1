/**
 * The product's embedded default (public/embedded, committed): the real-weights SqueezeNet 1.1
 * (original Caffe release, BSD-2-Clause) converted by our own converter at float16, and the
 * openly licensed sample photos the model gets right. Shared by `npm run gen:embedded` and the
 * test that checks the committed copy is what the converter makes today.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertCheckpoint } from '../../src/ml/convert/checkpoint';
import type { ModelFiles } from '../../src/ml/convert/artifacts';
import { parseLabels } from '../../src/ml/core/metadata';

export const EMBEDDED_MODEL_ID = 'squeezenet1_1-caffe';
export const EMBEDDED_MODEL_NAME = 'SqueezeNet 1.1 (ImageNet, original Caffe weights)';

/** Each sample with the ImageNet classes that count as right for it (top-1 must be one). */
export const EMBEDDED_SAMPLES: { file: string; expect: number[]; subject: string; credit: string }[] = [
  { file: 'flamingo.jpg', expect: [130], subject: 'flamingos in flight', credit: 'karim Attouche, iNaturalist observation 61500462 · CC0' },
  { file: 'owl.jpg', expect: [24], subject: 'great grey owl', credit: 'tensorflow/tfjs-examples · Apache-2.0' },
  { file: 'cat.jpg', expect: [281, 282, 283, 284, 285], subject: 'cat', credit: 'tensorflow/tfjs-examples · Apache-2.0' },
  { file: 'tabby.jpg', expect: [281, 282, 283, 284, 285], subject: 'tabby cat', credit: 'Alvesgaspar, Wikimedia Commons "Cat_November_2010-1a.jpg" · CC BY-SA 3.0' },
  { file: 'elephants.jpg', expect: [101, 385, 386], subject: 'elephants', credit: 'tensorflow/tfjs-examples · Apache-2.0' },
];

export function embeddedModelFiles(shared: string): ModelFiles {
  const pth = readFileSync(join(shared, 'models/squeezenet1_1/squeezenet1_1-caffe.pth'));
  const labels = parseLabels(readFileSync(join(shared, 'labels/imagenet-classes.txt'), 'utf8'));
  return convertCheckpoint(pth, {
    arch: 'squeezenet1_1',
    preprocess: 'caffe',
    labels,
    quantize: 'float16',
    name: EMBEDDED_MODEL_NAME,
    source: 'torchvision-layout checkpoint squeezenet1_1-caffe.pth (DeepScale SqueezeNet v1.1, BSD-2-Clause)',
  });
}
