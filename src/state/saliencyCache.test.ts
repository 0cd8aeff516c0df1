import { beforeEach, describe, expect, it } from 'vitest';
import type { SaliencyParams, SaliencyResult } from '../worker/model/protocol';
import { CACHE_BYTES, cacheStats, cachedMap, forgetAllMaps, forgetImage, mapKey, rememberMap } from './saliencyCache';

const P: SaliencyParams = { method: 'vanilla', aggregate: 'max', target: 'logit', samples: 25, noisePct: 15, steps: 50, baseline: 'black', layer: null, batchSize: 8 };

function result(side: number, classIndex = 3, best = 3): SaliencyResult {
  return { map: new Float32Array(side * side), width: side, height: side, classIndex, label: 'x', score: 1, maxGrad: 1, top: [{ index: best, label: 'x', prob: 0.5 }], input: new Uint8ClampedArray(side * side * 4), method: 'vanilla', ms: 5, backend: 'cpu' };
}

describe('saliency map cache', () => {
  beforeEach(() => forgetAllMaps());

  it('keys a map by what it depends on, and only that', () => {
    // Not the batch size (speed only), nor another method's settings.
    expect(mapKey('img1', null, { ...P, batchSize: 32, samples: 5, steps: 7 })).toBe(mapKey('img1', null, P));
    expect(mapKey('img1', null, { ...P, aggregate: 'sum' })).not.toBe(mapKey('img1', null, P));
    expect(mapKey('img1', 5, P)).not.toBe(mapKey('img1', null, P));
    expect(mapKey('img2', null, P)).not.toBe(mapKey('img1', null, P));
    const sg = { ...P, method: 'smoothgrad' as const };
    expect(mapKey('img1', null, { ...sg, samples: 15 })).not.toBe(mapKey('img1', null, sg));
    expect(mapKey('img1', null, { ...sg, noisePct: 20 })).not.toBe(mapKey('img1', null, sg));
    const ig = { ...P, method: 'integrated-gradients' as const };
    expect(mapKey('img1', null, { ...ig, baseline: 'blur' })).not.toBe(mapKey('img1', null, ig));
    const cam = { ...P, method: 'gradcam' as const };
    expect(mapKey('img1', null, { ...cam, aggregate: 'sum' })).toBe(mapKey('img1', null, cam));
    expect(mapKey('img1', null, { ...cam, layer: 'conv4' })).not.toBe(mapKey('img1', null, cam));
  });

  it('gives back what it kept, under every key it was given', () => {
    const r = result(8);
    rememberMap([mapKey('img1', null, P), mapKey('img1', 3, P)], r);
    expect(cachedMap(mapKey('img1', null, P))).toBe(r);
    expect(cachedMap(mapKey('img1', 3, P))).toBe(r);
    expect(cachedMap(mapKey('img1', 4, P))).toBeUndefined();
  });

  it('knows an image\'s top-1 from any of its maps: a map made for that class is the top-1 map', () => {
    const cam = { ...P, method: 'gradcam' as const };
    // The compare strip made Grad-CAM for class 7 of a map whose top-1 is 7.
    rememberMap([mapKey('img1', 7, cam)], result(8, 7, 7));
    expect(cachedMap(mapKey('img1', null, cam))).toBeDefined();
    // Another image's top-1 is not known yet.
    expect(cachedMap(mapKey('img2', null, cam))).toBeUndefined();
    rememberMap([mapKey('img2', 9, cam)], result(8, 9, 4));
    expect(cachedMap(mapKey('img2', null, cam))).toBeUndefined();
  });

  it('drops the least recently used maps beyond its byte budget', () => {
    const side = 224;
    const each = side * side * 8;
    const fit = Math.floor(CACHE_BYTES / each);
    const keys = Array.from({ length: fit + 1 }, (_, i) => mapKey(`img${i}`, 3, P));
    rememberMap([keys[0]!], result(side));
    rememberMap([keys[1]!], result(side));
    // img0 used again: img1 is now the oldest.
    expect(cachedMap(keys[0]!)).toBeDefined();
    for (const k of keys.slice(2)) rememberMap([k], result(side));
    expect(cacheStats().bytes).toBeLessThanOrEqual(CACHE_BYTES);
    expect(cacheStats().entries).toBe(fit);
    expect(cachedMap(keys[1]!)).toBeUndefined();
    expect(cachedMap(keys[0]!)).toBeDefined();
    expect(cachedMap(keys.at(-1)!)).toBeDefined();
  });

  it('forgets a removed image, and everything when the model changes', () => {
    rememberMap([mapKey('img1', null, P)], result(8));
    rememberMap([mapKey('img12', null, P)], result(8));
    forgetImage('img1');
    expect(cachedMap(mapKey('img1', null, P))).toBeUndefined();
    expect(cachedMap(mapKey('img12', null, P))).toBeDefined();
    const before = mapKey('img12', null, P);
    forgetAllMaps();
    expect(cacheStats()).toEqual({ entries: 0, bytes: 0 });
    // A result of the old model arriving late is not kept.
    rememberMap([before], result(8));
    expect(cacheStats().entries).toBe(0);
    expect(cachedMap(mapKey('img12', null, P))).toBeUndefined();
  });
});
