import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { tfReady } from '../../../test/tfSetup';
import { toArtifacts } from '../convert/artifacts';
import { makeRandomModelFiles } from '../convert/checkpoint';
import { randomizeTrunk } from './randomTrunk';

describe('randomizeTrunk', () => {
  it('re-draws the trunk (seeded, He-normal scale) and leaves the classifier as it was', async () => {
    await tfReady();
    const load = async () => tf.loadLayersModel(tf.io.fromMemory(toArtifacts(makeRandomModelFiles('squeezenet1_1', 6, { numClasses: 3 }))));
    const [a, b] = [await load(), await load()];
    const before = (m: tf.LayersModel, l: string) => Array.from(m.getLayer(l).getWeights()[0]!.dataSync());
    const conv10 = before(a, 'conv10');
    const conv1 = before(a, 'conv1');
    randomizeTrunk(a, 'fire9_concat', 5);
    randomizeTrunk(b, 'fire9_concat', 5);
    expect(before(a, 'conv10')).toEqual(conv10);
    const drawn = before(a, 'conv1');
    expect(drawn).not.toEqual(conv1);
    expect(before(b, 'conv1')).toEqual(drawn); // same seed, same trunk
    const std = Math.sqrt(drawn.reduce((s, v) => s + v * v, 0) / drawn.length);
    expect(std).toBeCloseTo(Math.sqrt(2 / (3 * 3 * 3)), 1);
    a.dispose();
    b.dispose();
  });
});
