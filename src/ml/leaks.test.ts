/**
 * Every public src/ml function that makes tensors leaves tf.memory().numTensors as it found it
 * (after the caller disposes what it owns: a returned tensor, a model, a head). One place, so a new
 * function is easy to add and a missing one easy to see.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../test/tfSetup';
import { toArtifacts, buildModelFiles, encodeWeights } from './convert/artifacts';
import { archSpec } from './convert/archs';
import { convertStateDictToFiles, makeRandomModelFiles } from './convert/checkpoint';
import { randomStateDict } from './convert/randomWeights';
import { convertStateDict } from './convert/stateDict';
import { fromPaths, stratifiedSplit } from './core/dataset';
import { planFor } from './core/surgery';
import { COURSE_RECIPE } from './core/vocab';
import { fromLayersModel, loadLayers, nonFiniteWeights, type Backbone } from './runtime/backbone';
import { layersModelFromArtifacts } from './runtime/leanLoad';
import { modelBetween, modelFrom, modelUpTo } from './runtime/graph';
import { augmentImage, denormalize, imageToTensor, normalize, preprocessImage, resizeAndCrop, type RgbImage } from './runtime/preprocess';
import { colourFilters, layerActivations } from './saliency/activations';
import { blackBaseline, gaussianBlur } from './saliency/baselines';
import { classModelVisualisation } from './saliency/classModel';
import { aggregateChannels, averageGradients, inputGradient } from './saliency/gradients';
import { logitsModel } from './saliency/logitsModel';
import { computeSaliency } from './saliency/saliency';
import { SALIENCY_METHODS } from './core/vocab';
import { buildFineTunedModel, disposeFineTunedHead, fineTunedFiles } from './training/export';
import { applyFrozen, extractFeatures, trunkFeatures } from './training/features';
import { createHead } from './training/head';
import { cachedSource, trainHead } from './training/loop';
import { evaluate } from './training/metrics';
import { fineTune, withBlockWeights } from './training/pipeline';
import { layerProbe } from './training/probe';
import { drawMix, mixBatch } from './training/mixup';
import { randomizeTrunk } from './training/randomTrunk';
import { mulberry32 } from './core/random';

let net: Backbone;
const rand = mulberry32(7);
const image = (w = 64, h = 48): RgbImage => ({ data: Uint8Array.from({ length: w * h * 3 }, () => Math.floor(rand() * 256)), width: w, height: h, channels: 3 });

beforeAll(async () => {
  await tfReady();
  net = await fromLayersModel(await tf.loadLayersModel(tf.io.fromMemory(toArtifacts(makeRandomModelFiles('squeezenet1_1', 4, { numClasses: 3, preprocess: 'caffe' })))));
}, 120_000);

/** Runs `fn` twice (the first call may build and cache things for good) and checks the second leaves nothing. */
async function leakFree(fn: () => unknown | Promise<unknown>) {
  await fn();
  const before = tf.memory().numTensors;
  await fn();
  expect(tf.memory().numTensors - before).toBe(0);
}

describe('no leaked tensors: runtime', () => {
  it('preprocessing: imageToTensor, resizeAndCrop, normalize, denormalize, preprocessImage, augmentImage', () =>
    leakFree(() => {
      const p = net.meta.preprocess;
      const t = imageToTensor(image());
      const r = resizeAndCrop(t, [32, 32]);
      const n = normalize(r, p);
      const d = denormalize(n, p);
      tf.dispose([t, r, n, d, preprocessImage(image(), [32, 32], p), augmentImage(image(), [32, 32], p, mulberry32(1))]);
    }));
  it('graph cuts share weights: modelUpTo, modelFrom, modelBetween', () =>
    leakFree(() => {
      modelUpTo(net.model, 'fire5_concat');
      modelFrom(net.model, 'fire5_concat');
      modelBetween(net.model, 'fire3_concat', 'fire5_concat');
    }));
  it('backbone: classify, probabilities, nonFiniteWeights, fromLayersModel + dispose, layersModelFromArtifacts, loadLayers', () =>
    leakFree(async () => {
      await net.classify(image(), 3);
      tf.dispose(tf.tidy(() => net.probabilities(net.preprocess(image()))));
      await nonFiniteWeights(net.model);
      const other = await fromLayersModel(await tf.loadLayersModel(tf.io.fromMemory(toArtifacts(makeRandomModelFiles('squeezenet1_1', 5, { numClasses: 2 })))));
      other.dispose();
      (await layersModelFromArtifacts(toArtifacts(makeRandomModelFiles('squeezenet1_1', 6, { numClasses: 2 })))).dispose();
      (await loadLayers(tf.io.fromMemory(toArtifacts(makeRandomModelFiles('squeezenet1_1', 6, { numClasses: 2 }))))).dispose();
    }));
});

describe('no leaked tensors: saliency', () => {
  const x = () => net.preprocess(image(80, 80));
  for (const method of SALIENCY_METHODS)
    it(`computeSaliency ${method}`, () =>
      leakFree(async () => {
        const input = x();
        await computeSaliency(net.model, input, { method, classIndex: 'top1', samples: 2, steps: 2, batchSize: 2, preprocess: net.meta.preprocess });
        input.dispose();
      }));
  it('inputGradient, aggregateChannels, averageGradients, gaussianBlur, blackBaseline, logitsModel, classModelVisualisation', () =>
    leakFree(async () => {
      const input = x();
      const g = inputGradient(net.model, input, 1);
      tf.dispose([g, aggregateChannels(g, 'max'), gaussianBlur(input, 2), blackBaseline(input, net.meta.preprocess)]);
      (await averageGradients(net.model, { classIndex: 0 }, 2, () => input.clone())).dispose();
      input.dispose();
      const softmaxNet = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 3] }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
      const lm = logitsModel(softmaxNet);
      lm.dispose();
      softmaxNet.dispose();
      await classModelVisualisation(net.model, { classIndex: 1, inputSize: [48, 48], preprocess: net.meta.preprocess, steps: 3, every: 1 });
    }));
});

describe('no leaked tensors: training', () => {
  const plan = () => planFor(net.model, net.meta, 'fc8', 3);
  const set = (n: number, dim: number) => ({ x: Float32Array.from({ length: n * dim }, () => rand()), y: Int32Array.from({ length: n }, (_, i) => i % 3), dim, n });

  it('trunkFeatures, extractFeatures, applyFrozen', () =>
    leakFree(async () => {
      const imgs = tf.tidy(() => tf.concat([net.preprocess(image()), net.preprocess(image())]) as tf.Tensor4D);
      tf.dispose([trunkFeatures(net.model, plan(), imgs), imgs]);
      await extractFeatures(net.model, plan(), 3, (_, n) => tf.tidy(() => tf.concat(Array.from({ length: n }, () => net.preprocess(image()))) as tf.Tensor4D), { batchSize: 2 });
      await applyFrozen(net.model, plan(), set(4, 512));
    }));
  it('createHead + dispose, cachedSource batches, trainHead (SGD and Adam), evaluate', () =>
    leakFree(async () => {
      const train = set(24, 16);
      for (const optimizer of ['sgd', 'adam'] as const) {
        const head = createHead(net.model, plan(), 16, 1);
        tf.dispose(cachedSource(train).batch([0, 1]) as tf.Tensor);
        await trainHead(head, cachedSource(train), train, 3, { ...COURSE_RECIPE, optimizer, batchSize: 8, epochs: 2 }, { onCheckpoint: () => {} });
        await evaluate(head, train, 3);
        head.restore(head.snapshot());
        head.dispose();
      }
    }));
  const ds = () => stratifiedSplit(fromPaths(Array.from({ length: 12 }, (_, i) => `d/${['A', 'B', 'C'][i % 3]}/${i}.jpg`)), 0.25, 1);
  it('fineTune (fc8 and with the last conv block), withBlockWeights, buildFineTunedModel + disposeFineTunedHead, fineTunedFiles', () =>
    leakFree(async () => {
      for (const unfreezeBlock of [false, true]) {
        const r = await fineTune(net, ds(), { strategy: 'fc8', config: { ...COURSE_RECIPE, batchSize: 4, epochs: 1, unfreezeBlock }, image: () => image(), featureBatch: 4 });
        await withBlockWeights(net.model, r, 'best', () => {
          const model = buildFineTunedModel(net.model, r.plan, r.head, 0.5);
          fineTunedFiles(model, net.meta, r.plan, ['A', 'B', 'C'], { strategy: 'fc8', recipe: COURSE_RECIPE, epochs: r.train.epochs, best: r.train.best, dataset: { name: 'd', classes: ['A', 'B', 'C'], train: 9, val: 3 } });
          disposeFineTunedHead(model, r.plan);
        });
        r.head.dispose();
      }
    }));
});

describe('no leaked tensors: layer probe', () => {
  it('probeFeatures and layerProbe over three depths', () =>
    leakFree(async () => {
      const ds = stratifiedSplit(fromPaths(Array.from({ length: 9 }, (_, i) => `d/${['A', 'B', 'C'][i % 3]}/${i}.jpg`)), 0.34, 1);
      await layerProbe(net, ds, ['fire3_concat', 'fire5_concat', 'conv10'], { image: () => image(), epochs: 2 });
    }));
});

describe('no leaked tensors: activation explorer', () => {
  it('layerActivations (spatial and dense) and colourFilters on a real architecture', () =>
    leakFree(async () => {
      const x = net.preprocess(image());
      await layerActivations(net.model, x, 'conv1');
      await layerActivations(net.model, x, 'fire9_concat', { maxChannels: 8 });
      await layerActivations(net.model, x, net.model.layers.at(-1)!.name);
      await colourFilters(net.model, net.meta.preprocess);
      x.dispose();
    }));
});

describe('no leaked tensors: mixup', () => {
  it('mixBatch (its two results disposed by the caller)', () =>
    leakFree(() => {
      const x = tf.randomNormal([6, 4]) as tf.Tensor2D;
      const { perm, lambda } = drawMix(mulberry32(2), 0.4, 6);
      const m = mixBatch(x, [0, 1, 2, 0, 1, 2], 3, lambda, perm);
      tf.dispose([x, m.x, m.target]);
    }));
});

describe('no leaked tensors: random trunk', () => {
  it('randomizeTrunk re-draws in place without leaving tensors', async () => {
    const other = await fromLayersModel(await tf.loadLayersModel(tf.io.fromMemory(toArtifacts(makeRandomModelFiles('squeezenet1_1', 6, { numClasses: 3 })))));
    await leakFree(() => expect(randomizeTrunk(other.model, 'fire9_concat', 1)).toBeGreaterThan(40));
    other.dispose();
  });
});

describe('no leaked tensors: conversion', () => {
  it('randomStateDict, convertStateDict, convertStateDictToFiles, buildModelFiles, encodeWeights, makeRandomModelFiles', () =>
    leakFree(() => {
      const spec = archSpec('squeezenet1_1');
      const model = spec.build(3, 'zeros');
      const sd = randomStateDict('squeezenet1_1', 1, model);
      const weights = convertStateDict('squeezenet1_1', sd, model);
      encodeWeights(weights, 'uint8');
      buildModelFiles(model, weights, net.meta, 'float16');
      model.dispose();
      convertStateDictToFiles(sd, { arch: 'squeezenet1_1' });
      makeRandomModelFiles('squeezenet1_1', 2, { numClasses: 3 });
    }));
});
