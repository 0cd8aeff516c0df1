/** The probe's features through a cache: a second probe reads no image, gives the same curve, and a stale entry is recomputed. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { tfReady } from '../../../test/tfSetup';
import { toArtifacts } from '../convert/artifacts';
import { makeRandomModelFiles } from '../convert/checkpoint';
import { fromLayersModel, type Backbone } from '../runtime/backbone';
import { fromPaths, stratifiedSplit } from '../core/dataset';
import { mulberry32 } from '../core/random';
import { layerProbe, type ProbeRows } from './probe';

let net: Backbone;
/** The curve without its timings. */
const curve = (r: Awaited<ReturnType<typeof layerProbe>>) => ({ chance: r.chance, layers: r.layers.map(({ ms: _ms, ...l }) => l) });
beforeAll(async () => {
  await tfReady();
  net = await fromLayersModel(await tf.loadLayersModel(tf.io.fromMemory(toArtifacts(makeRandomModelFiles('squeezenet1_1', 4, { numClasses: 3, preprocess: 'caffe' })))));
}, 120_000);

it('cached depths are not recomputed; fresh ones are handed over for caching; the results are the same', async () => {
  const ds = stratifiedSplit(fromPaths(Array.from({ length: 12 }, (_, i) => `d/${['A', 'B', 'C'][i % 3]}/${i}.jpg`)), 0.34, 1);
  const images = Array.from({ length: 12 }, (_, i) => {
    const r = mulberry32(i);
    return { data: Uint8Array.from({ length: 40 * 40 * 3 }, () => Math.floor(r() * 256)), width: 40, height: 40, channels: 3 as const };
  });
  let reads = 0;
  const image = (i: number) => (reads++, images[i]!);
  const layers = ['fire3_concat', 'fire7_concat', 'conv10'];
  const store: Record<string, ProbeRows> = {};
  const first = await layerProbe(net, ds, layers, { image, epochs: 3, onLayerReady: (l, r) => void (store[l] = r) });
  expect(Object.keys(store).sort()).toEqual([...layers].sort());
  expect(store.fire3_concat!.dim).toBe(128);
  expect(reads).toBe(12);

  reads = 0;
  const handed: string[] = [];
  const second = await layerProbe(net, ds, layers, { image, epochs: 3, cached: store, onLayerReady: (l) => void handed.push(l) });
  expect(reads).toBe(0);
  expect(handed).toEqual([]);
  expect(curve(second)).toEqual(curve(first));

  // One depth missing: only it is computed (one pass over the images), the others come from the cache.
  const partial = { ...store, fire7_concat: undefined };
  const third = await layerProbe(net, ds, layers, { image, epochs: 3, cached: partial, onLayerReady: (l) => void handed.push(l) });
  expect(handed).toEqual(['fire7_concat']);
  expect(reads).toBe(12);
  expect(curve(third)).toEqual(curve(first));

  // A cached depth that describes other paintings (one was unreadable then) is not trusted: all recomputed.
  reads = 0;
  handed.length = 0;
  const stale = { ...store, conv10: { ...store.conv10!, used: store.conv10!.used.slice(1), x: store.conv10!.x.slice(store.conv10!.dim) } };
  const fourth = await layerProbe(net, ds, layers, { image, epochs: 3, cached: stale, onLayerReady: (l) => void handed.push(l) });
  expect(handed.sort()).toEqual([...layers].sort());
  expect(curve(fourth)).toEqual(curve(first));
}, 120_000);
