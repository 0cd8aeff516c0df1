/**
 * Fine-tuning on genuine weights and real paintings: SqueezeNet 1.1 (../shared) on
 * wikiart7 (4,004 paintings, 7 styles). A linear head on these frozen features reaches
 * about 0.48–0.50 validation accuracy in PyTorch; chance is 1/7.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImageFile } from '../../../scripts/lib/nodeImage';
import { sharedFile } from '../../../test/shared';
import { tfReady } from '../../../test/tfSetup';
import { toArtifacts } from '../convert/artifacts';
import { fromLayersModel, type Backbone } from '../runtime/backbone';
import { convertCheckpoint } from '../convert/checkpoint';
import { fromPaths, stratifiedSplit, type Dataset } from '../core/dataset';
import { applyFrozen, extractFeatures, trunkFeatures, type FeatureSet } from './features';
import { buildFineTunedModel, fineTunedFiles } from './export';
import { fineTune } from './pipeline';
import { planFor } from '../core/surgery';
import { cachedSource, trainHead, type TrainSource } from './loop';
import { createHead } from './head';
import { COURSE_RECIPE } from '../core/vocab';

let net: Backbone;
let wikiart: Dataset;

beforeAll(async () => {
  await tfReady();
  const files = convertCheckpoint(readFileSync(sharedFile('models/squeezenet1_1/squeezenet1_1-caffe.pth')), { arch: 'squeezenet1_1', preprocess: 'caffe' });
  net = await fromLayersModel(await tf.loadLayersModel(tf.io.fromMemory(toArtifacts(files))));
  const root = sharedFile('datasets/wikiart7');
  const paths = readdirSync(root).flatMap((c) => readdirSync(join(root, c)).map((f) => `${c}/${f}`));
  const ds = fromPaths(paths, 'wikiart7');
  wikiart = stratifiedSplit({ ...ds, items: ds.items.map((it) => ({ ...it, source: join(root, it.source) })) }, 0.2, 0);
}, 120_000);

describe('fine-tuning SqueezeNet on wikiart7 (real weights, real paintings)', () => {
  it('10 epochs of the course recipe, classifier replaced: validation accuracy well above chance; frozen weights untouched; the export agrees', async () => {
    const before = net.model.getWeights().map((w) => w.dataSync().slice());
    const r = await fineTune(net, wikiart, { strategy: 'fc8', config: COURSE_RECIPE, image: (i) => decodeImageFile(wikiart.items[i]!.source) });
    const accs = r.train.epochs.map((e) => e.valAcc);
    console.log(`features ${(r.featureMs / 1000).toFixed(1)} s for ${wikiart.items.length} paintings; val acc by epoch ${accs.map((a) => a.toFixed(3)).join(' ')}`);
    expect(r.train.epochs).toHaveLength(10);
    expect(r.train.best.valAcc).toBeGreaterThan(0.4);
    expect(accs.at(-1)!).toBeGreaterThan(0.35);
    expect(r.train.epochs.at(-1)!.trainLoss).toBeLessThan(r.train.epochs[0]!.trainLoss);
    // Frozen weights are bit-identical after training.
    net.model.getWeights().forEach((w, i) => expect(Buffer.from(w.dataSync().buffer).equals(Buffer.from(before[i]!.buffer))).toBe(true));

    // The exported model (trunk + trained head, standardisation folded in) predicts what the head predicted.
    const model = buildFineTunedModel(net.model, r.plan, r.head, COURSE_RECIPE.dropout);
    const files = fineTunedFiles(model, net.meta, r.plan, wikiart.classes, { strategy: 'fc8', recipe: COURSE_RECIPE, epochs: r.train.epochs, best: r.train.best, dataset: { name: 'wikiart7', classes: wikiart.classes, train: r.trainItems.length, val: r.valItems.length } });
    const exported = await fromLayersModel(await tf.loadLayersModel(tf.io.fromMemory(toArtifacts(files))));
    expect(exported.meta.labels).toEqual(wikiart.classes);
    let agree = 0;
    for (let k = 0; k < 20; k++) {
      const item = r.valItems[k]!;
      const top = await exported.classify(await decodeImageFile(wikiart.items[item]!.source), 1);
      if (top[0]!.index === r.evaluation.predicted[k]) agree++;
    }
    expect(agree).toBeGreaterThanOrEqual(19);
    exported.dispose();
    r.head.dispose();
  }, 600_000);
});

describe('the feature cache is exact', () => {
  it('training on cached features gives the same loss curve as training through the trunk (same seed, within 1e-4)', async () => {
    const small = stratifiedSplit({ ...wikiart, items: wikiart.items.filter((_, i) => i % 100 === 0) }, 0.25, 1, true);
    const plan = planFor(net.model, net.meta, 'fc8', small.classes.length);
    const images = await Promise.all(small.items.map((it) => decodeImageFile(it.source)));
    const batchOf = (idx: number[]) => tf.tidy(() => tf.concat(idx.map((i) => net.preprocess(images[i]!))) as tf.Tensor4D);
    const { x, dim } = await extractFeatures(net.model, plan, images.length, (s, n) => batchOf(Array.from({ length: n }, (_, k) => s + k)), { batchSize: 8 });
    const y = Int32Array.from(small.items.map((it) => it.label));
    const all: FeatureSet = await applyFrozen(net.model, plan, { x, y, n: images.length, dim });
    const tr = small.items.map((it, i) => (it.split === 'train' ? i : -1)).filter((i) => i >= 0);
    const trainSet: FeatureSet = { x: Float32Array.from(tr.flatMap((i) => Array.from(all.x.subarray(i * dim, (i + 1) * dim)))), y: Int32Array.from(tr.map((i) => y[i]!)), n: tr.length, dim };
    const cfg = { ...COURSE_RECIPE, epochs: 2, batchSize: 8 };
    const throughTrunk: TrainSource = { n: tr.length, labels: trainSet.y, dim, batch: (idx) => tf.tidy(() => trunkFeatures(net.model, plan, batchOf(idx.map((k) => tr[k]!)))) };
    const runs: Awaited<ReturnType<typeof trainHead>>[] = [];
    for (const source of [cachedSource(trainSet), throughTrunk]) {
      const head = createHead(net.model, plan, dim, 3);
      runs.push(await trainHead(head, source, trainSet, small.classes.length, cfg));
      head.dispose();
    }
    expect(runs[0]!.batchLosses.length).toBeGreaterThan(4);
    runs[0]!.batchLosses.forEach((l, i) => expect(Math.abs(l - runs[1]!.batchLosses[i]!)).toBeLessThan(1e-4));
    // Same seed and data → the same curve again; another seed → another curve.
    const again = createHead(net.model, plan, dim, 3);
    expect((await trainHead(again, cachedSource(trainSet), trainSet, small.classes.length, cfg)).batchLosses).toEqual(runs[0]!.batchLosses);
    again.dispose();
    const other = createHead(net.model, plan, dim, 4);
    expect((await trainHead(other, cachedSource(trainSet), trainSet, small.classes.length, { ...cfg, seed: 4 })).batchLosses).not.toEqual(runs[0]!.batchLosses);
    other.dispose();
  }, 300_000);
});

describe('augmentation with cached views', () => {
  it('caches N augmented views per training image, stays reproducible, and changes the curve', async () => {
    const small = stratifiedSplit({ ...wikiart, items: wikiart.items.filter((_, i) => i % 80 === 0) }, 0.25, 1, true);
    const cfg = { ...COURSE_RECIPE, epochs: 3, batchSize: 8 };
    const image = (i: number) => decodeImageFile(small.items[i]!.source);
    const aug = await fineTune(net, small, { strategy: 'fc8', config: { ...cfg, augmentViews: 2 }, image });
    const nTrain = small.items.filter((it) => it.split === 'train').length;
    expect(aug.trunk.aug!.v).toBe(2);
    expect(aug.trunk.aug!.items).toHaveLength(nTrain);
    expect(aug.trunk.aug!.x.length).toBe(nTrain * 2 * aug.trunk.dim);
    // A view is not the centre crop.
    const item = aug.trunk.aug!.items[0]!;
    const centre = aug.trunk.used.indexOf(item);
    const d = aug.trunk.dim;
    expect(Array.from(aug.trunk.aug!.x.subarray(0, d))).not.toEqual(Array.from(aug.trunk.x.subarray(centre * d, (centre + 1) * d)));
    const again = await fineTune(net, small, { strategy: 'fc8', config: { ...cfg, augmentViews: 2 }, image, cachedTrunk: aug.trunk });
    expect(again.train.batchLosses).toEqual(aug.train.batchLosses);
    const plain = await fineTune(net, small, { strategy: 'fc8', config: cfg, image, cachedTrunk: { x: aug.trunk.x, dim: d, used: aug.trunk.used } });
    expect(plain.train.batchLosses).not.toEqual(aug.train.batchLosses);
    for (const r of [aug, again, plain]) r.head.dispose();
  }, 300_000);
});


describe('stopping', () => {
  it('stopping mid-epoch keeps the last completed epoch, not half-trained weights', async () => {
    const small = stratifiedSplit({ ...wikiart, items: wikiart.items.filter((_, i) => i % 100 === 0) }, 0.25, 1, true);
    const image = (i: number) => decodeImageFile(small.items[i]!.source);
    const cfg = { ...COURSE_RECIPE, epochs: 5, batchSize: 4 };
    const full = await fineTune(net, small, { strategy: 'fc8', config: { ...cfg, epochs: 2 }, image });
    let batches = 0;
    const perEpoch = Math.ceil(full.trainItems.length / 4);
    const stopped = await fineTune(net, small, { strategy: 'fc8', config: cfg, image, cachedTrunk: full.trunk, onBatch: () => batches++, shouldStop: () => batches >= perEpoch * 2 + 1 });
    expect(stopped.train.stopped).toBe(true);
    expect(stopped.train.epochs).toHaveLength(2);
    // Same seed, same data: the stopped run's head equals the 2-epoch run's head.
    const a = stopped.head.snapshot();
    const b = full.head.snapshot();
    a.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(b[i]!)));
    stopped.head.dispose();
    full.head.dispose();
  }, 300_000);
});

describe('also unfreezing the last conv block', () => {
  it('trains fire6–fire9 at a smaller rate with the head; the shared model is left as it was; the export carries the trained block', async () => {
    const { withBlockWeights } = await import('./pipeline');
    const small = stratifiedSplit({ ...wikiart, items: wikiart.items.filter((_, i) => i % 100 === 0) }, 0.25, 1, true);
    const image = (i: number) => decodeImageFile(small.items[i]!.source);
    const cfg = { ...COURSE_RECIPE, epochs: 2, batchSize: 8, unfreezeBlock: true, blockLrScale: 0.1 };
    const before = net.model.getWeights().map((w) => w.dataSync().slice());
    const r = await fineTune(net, small, { strategy: 'fc8', config: cfg, image });
    expect(r.block!.layers).toEqual(['fire6_squeeze', 'fire6_expand1x1', 'fire6_expand3x3', 'fire7_squeeze', 'fire7_expand1x1', 'fire7_expand3x3', 'fire8_squeeze', 'fire8_expand1x1', 'fire8_expand3x3', 'fire9_squeeze', 'fire9_expand1x1', 'fire9_expand3x3']);
    expect(r.train.epochs).toHaveLength(2);
    // The shared model is untouched …
    net.model.getWeights().forEach((w, i) => expect(Buffer.from(w.dataSync().buffer).equals(Buffer.from(before[i]!.buffer))).toBe(true));
    // … the block did learn …
    const changed = r.block!.last.filter((w, i) => w.some((v, j) => v !== r.block!.original[i]![j])).length;
    expect(changed).toBeGreaterThan(0);
    // … and the exported model carries the trained block, not the original one.
    const fire9 = await withBlockWeights(net.model, r, 'last', () => {
      const m = buildFineTunedModel(net.model, r.plan, r.head, cfg.dropout);
      return m.getLayer('fire9_expand3x3').getWeights()[0]!.dataSync().slice();
    });
    const k = r.block!.layers.indexOf('fire9_expand3x3') * 2;
    expect(Array.from(fire9)).toEqual(Array.from(r.block!.last[k]!));
    expect(Array.from(net.model.getLayer('fire9_expand3x3').getWeights()[0]!.dataSync())).toEqual(Array.from(r.block!.original[k]!));
    // Same seed → same curve.
    const again = await fineTune(net, small, { strategy: 'fc8', config: cfg, image });
    expect(again.train.batchLosses).toEqual(r.train.batchLosses);
    r.head.dispose();
    again.head.dispose();
  }, 300_000);
});
