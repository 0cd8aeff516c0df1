/** A run stopped after any epoch and resumed from its checkpoint ends exactly where the uninterrupted run does. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../../test/tfSetup';
import type { FeatureSet } from './features';
import { mulberry32 } from '../core/random';
import { planFor } from '../core/surgery';
import { cachedSource, trainHead, type Checkpoint } from './loop';
import { createHead } from './head';
import { type TrainConfig } from '../core/vocab';

beforeAll(tfReady);

function toyModel(width = 16, fc7 = width): tf.LayersModel {
  const input = tf.input({ shape: [12], name: 'feat' });
  let x = tf.layers.dense({ units: width, activation: 'relu', name: 'fc6' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: fc7, activation: 'relu', name: 'fc7' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 3, name: 'fc8' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x });
}

function data(n: number, seed: number, dim = 16): FeatureSet {
  const r = mulberry32(seed);
  const y = Int32Array.from({ length: n }, () => Math.floor(r() * 3));
  // Head inputs: what the frozen fc6 (or fc7) would give, `dim` features.
  const x = Float32Array.from({ length: n * dim }, (_, i) => r() - 0.5 + (i % dim === y[Math.floor(i / dim)]! ? 1 : 0));
  return { x, y, n, dim };
}

describe('checkpoint and resume', () => {
  // fc7 512 → 2048 has 2²⁰ weights, so the head trains it as [units, in] (OUT_IN_WEIGHTS);
  // checkpoints and the result must still be [in, units] (not square: a swapped shape shows).
  for (const [optimizer, width, fc7] of [['sgd', 16, 16], ['adam', 16, 16], ['sgd', 512, 2048]] as const)
    it(`${optimizer}, fc7 ${width}→${fc7}: stop after epoch 2 of 5, resume from the checkpoint → the same epochs and the same weights`, async () => {
      const model = toyModel(width, fc7);
      const meta = { arch: 'toy', trunkOutput: 'feat', classifierLayers: ['fc6', 'fc7', 'fc8'] };
      const plan = planFor(model, meta, 'fc7-fc8', 3);
      const cfg: TrainConfig = { optimizer, lr: width > 16 ? 0.01 : 0.05, momentum: 0.9, batchSize: 8, epochs: 5, dropout: 0.5, weightDecay: 0, seed: 3 };
      const train = cachedSource(data(60, 1, width));
      const val = data(20, 2, width);

      const full = createHead(model, plan, width, cfg.seed);
      expect(full.layers[0]!.outIn).toBe(fc7 === 2048);
      const each: Checkpoint[] = [];
      const a = await trainHead(full, train, val, 3, cfg, { onCheckpoint: (c) => each.push(c) });
      // The checkpoint of the last epoch holds the weights as snapshot() gives them, and the best
      // weights are those of the best epoch's checkpoint.
      const last = full.snapshot();
      each.at(-1)!.weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(last[i]!)));
      a.bestWeights!.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(each[a.best.epoch - 1]!.weights[i]!)));

      const part = createHead(model, plan, width, cfg.seed);
      let cp: Checkpoint | null = null;
      await trainHead(part, train, val, 3, cfg, { onCheckpoint: (c) => (cp = c), shouldStop: () => cp?.epoch === 2 });
      expect(cp!.epoch).toBe(2);
      // Stopped: the head holds the last completed epoch's weights, those of its checkpoint.
      part.snapshot().forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(cp!.weights[i]!)));
      part.dispose();
      // A fresh head (as in a new worker), cloned through structured cloning like a postMessage.
      const resumed = createHead(model, plan, width, cfg.seed + 99);
      const b = await trainHead(resumed, train, val, 3, cfg, { resume: structuredClone(cp!) });

      expect(b.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5]);
      expect(b.epochs.map((e) => e.valLoss)).toEqual(a.epochs.map((e) => e.valLoss));
      expect(b.batchLosses).toEqual(a.batchLosses);
      const wa = full.snapshot();
      const wb = resumed.snapshot();
      wa.forEach((w, i) => expect(Array.from(wb[i]!)).toEqual(Array.from(w)));
      expect(b.best).toEqual(a.best);
      b.bestWeights!.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(a.bestWeights![i]!)));
      full.dispose();
      resumed.dispose();
      model.dispose();
    });

  it('refuses a checkpoint from another dataset', async () => {
    const model = toyModel();
    const plan = planFor(model, { arch: 'toy', trunkOutput: 'feat', classifierLayers: ['fc6', 'fc7', 'fc8'] }, 'fc8', 3);
    const cfg: TrainConfig = { optimizer: 'sgd', lr: 0.05, momentum: 0.9, batchSize: 8, epochs: 2, dropout: 0, weightDecay: 0, seed: 0 };
    let cp: Checkpoint | null = null;
    const h = createHead(model, plan, 16, 0);
    await trainHead(h, cachedSource(data(30, 1)), data(10, 2), 3, { ...cfg, epochs: 1 }, { onCheckpoint: (c) => (cp = c) });
    await expect(trainHead(h, cachedSource(data(40, 1)), data(10, 2), 3, cfg, { resume: cp! })).rejects.toThrow(/does not belong/);
    h.dispose();
    model.dispose();
  });
});
