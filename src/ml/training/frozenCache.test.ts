/** The frozen fc layers' outputs are cached like the trunk's: a warm run trains the new layers only, with the same result. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../../test/tfSetup';
import { toArtifacts } from '../convert/artifacts';
import { makeRandomModelFiles } from '../convert/checkpoint';
import { fromPaths, stratifiedSplit } from '../core/dataset';
import { mulberry32 } from '../core/random';
import { COURSE_RECIPE } from '../core/vocab';
import { fromLayersModel, type Backbone } from '../runtime/backbone';
import type { RgbImage } from '../runtime/preprocess';
import { fineTune, type FrozenCache, type TrunkCache } from './pipeline';

let net: Backbone;
const rand = mulberry32(3);
const images: RgbImage[] = Array.from({ length: 12 }, () => ({ data: Uint8Array.from({ length: 64 * 64 * 3 }, () => Math.floor(rand() * 256)), width: 64, height: 64, channels: 3 }));
const ds = stratifiedSplit(fromPaths(images.map((_, i) => `d/${['A', 'B', 'C'][i % 3]}/${i}.jpg`)), 0.25, 1);

beforeAll(async () => {
  await tfReady();
  net = await fromLayersModel(await tf.loadLayersModel(tf.io.fromMemory(toArtifacts(makeRandomModelFiles('alexnet', 7, { numClasses: 3, quantize: 'float16' })))));
}, 120_000);

describe('frozen-layer cache', () => {
  it('fc8 on AlexNet: the cold run hands over fc6+fc7 outputs; a warm run with them gives the same curves, and uses them', async () => {
    const config = { ...COURSE_RECIPE, batchSize: 4, epochs: 3 };
    let trunk: TrunkCache | undefined;
    let frozen: FrozenCache | undefined;
    const cold = await fineTune(net, ds, { strategy: 'fc8', config, image: (i) => images[i]!, onTrunkReady: (t) => void (trunk = t), onFrozenReady: (f) => void (frozen = f) });
    expect(frozen!.layers).toEqual(['fc6', 'fc7']);
    expect(frozen!.dim).toBe(4096);
    expect(frozen!.x.length).toBe(12 * 4096);
    const t0 = performance.now();
    const warm = await fineTune(net, ds, { strategy: 'fc8', config, image: () => null, cachedTrunk: trunk, cachedFrozen: frozen });
    const warmMs = performance.now() - t0;
    expect(warm.train.epochs.map((e) => e.trainLoss)).toEqual(cold.train.epochs.map((e) => e.trainLoss));
    expect(warm.train.epochs.map((e) => e.valAcc)).toEqual(cold.train.epochs.map((e) => e.valAcc));
    // Proof the cache is read, not recomputed: different cached outputs give a different run.
    const poisoned = await fineTune(net, ds, { strategy: 'fc8', config, image: () => null, cachedTrunk: trunk, cachedFrozen: { ...frozen!, x: frozen!.x.map((v, i) => v + (i % 7)) } });
    expect(poisoned.train.epochs.map((e) => e.trainLoss)).not.toEqual(cold.train.epochs.map((e) => e.trainLoss));
    // A cache for other layers (fc7+fc8 freezes fc6 only) is not used.
    let refrozen: FrozenCache | undefined;
    const other = await fineTune(net, ds, { strategy: 'fc7-fc8', config: { ...config, epochs: 1 }, image: () => null, cachedTrunk: trunk, cachedFrozen: frozen, onFrozenReady: (f) => void (refrozen = f) });
    other.head.dispose();
    expect(refrozen!.layers).toEqual(['fc6']);
    console.log(`warm fc8 run with cached fc6+fc7 outputs: ${warmMs.toFixed(0)} ms for 3 epochs`);
    for (const r of [cold, warm, poisoned]) r.head.dispose();
  });
});
