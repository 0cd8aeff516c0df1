/**
 * Training the new classifier head on frozen features: SGD with momentum or Adam, seeded
 * shuffling, init and dropout (same seed and data → the same curves), weight decay,
 * per-batch and per-epoch metrics, the best validation epoch kept.
 */
import * as tf from '@tensorflow/tfjs';
import type { FeatureSet } from './features';
import { dropoutInPlace, dropoutMask, mulberry32, type Rand } from '../core/random';
import { yieldEvery } from '../core/yieldToEvents';

import type { TrainConfig } from '../core/vocab';

import { evaluate } from './metrics';
import { drawMix, mixBatch } from './mixup';
import { inDim, type Body, type Head } from './head';
import { OnePassMomentum } from './momentum';

export interface EpochStats {
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  valLoss: number;
  valAcc: number;
  ms: number;
}

/**
 * Everything a run needs to continue exactly after its last completed epoch, in another
 * worker or on another backend: weights, optimizer state, the shuffle order and the PRNG.
 */
export interface Checkpoint {
  epoch: number;
  epochs: EpochStats[];
  batchLosses: number[];
  weights: Float32Array[];
  best: { epoch: number; valAcc: number };
  bestWeights: Float32Array[] | null;
  optimizers: { name: string; shape: number[]; data: Float32Array | Int32Array }[][];
  order: Int32Array;
  rand: number;
}

/** A checkpoint's arrays' buffers, for a transfer list (each its own: the loop copies them for the checkpoint). */
export function checkpointBuffers(c: Checkpoint): ArrayBuffer[] {
  const arrays = [...c.weights, ...(c.bestWeights ?? []), ...c.optimizers.flat().map((w) => w.data), c.order];
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}

export interface TrainCallbacks {
  onBatch?: (epoch: number, batch: number, batches: number, loss: number) => void;
  onEpoch?: (stats: EpochStats) => void;
  /** After each completed epoch (a copy the caller may keep or transfer). */
  onCheckpoint?: (c: Checkpoint) => void;
  /** Continue a run from its checkpoint instead of starting at epoch 1. */
  resume?: Checkpoint;
  shouldStop?: () => boolean;
  /** Resolves when training may continue (a pause, or the model worker computing on shared cores); awaited before each batch, of features too. */
  waitWhilePaused?: () => Promise<void>;
}

/** Training data as a function: cached rows, or images run through the trunk for the equivalence test. */
export interface TrainSource {
  n: number;
  labels: Int32Array;
  dim: number;
  batch(indices: number[]): tf.Tensor2D | Promise<tf.Tensor2D>;
  /** The batch with dropout applied as it is copied: x × dropoutMask(rand, rows × dim, keep). */
  droppedBatch?(indices: number[], rand: Rand, keep: number): tf.Tensor2D;
}

/** A source whose batches are rows copied into a new array (`rows`): plain, or with the first layer's dropout applied in the copy. */
export function rowSource(n: number, labels: Int32Array, dim: number, rows: (indices: number[]) => Float32Array): TrainSource {
  return {
    n,
    labels,
    dim,
    batch: (idx) => tf.tensor2d(rows(idx), [idx.length, dim]),
    droppedBatch: (idx, rand, keep) => {
      const x = rows(idx);
      dropoutInPlace(rand, x, keep);
      return tf.tensor2d(x, [idx.length, dim]);
    },
  };
}

export function cachedSource(set: FeatureSet): TrainSource {
  return rowSource(set.n, set.y, set.dim, (idx) => {
    const x = new Float32Array(idx.length * set.dim);
    idx.forEach((i, k) => x.set(set.x.subarray(i * set.dim, (i + 1) * set.dim), k * set.dim));
    return x;
  });
}

export interface TrainResult {
  epochs: EpochStats[];
  batchLosses: number[];
  best: { epoch: number; valAcc: number };
  bestWeights: Float32Array[] | null;
  stopped: boolean;
}

/**
 * MomentumOptimizer.dispose() (TF.js 4.22) does not call SGDOptimizer's, so the learning-rate
 * scalar `c` it inherits stays alive: one tensor per momentum run. Dispose it too.
 */
function disposeOptimizer(o: tf.Optimizer): void {
  const c = (o as unknown as { c?: tf.Tensor }).c;
  o.dispose();
  if (o instanceof tf.MomentumOptimizer && c && !c.isDisposed) c.dispose();
}

/** Awaits `waitWhilePaused` (a pause, or the model worker's work) and returns how long it held: time that is not the run's compute. */
export async function timedWait(cb: Pick<TrainCallbacks, 'waitWhilePaused'>): Promise<number> {
  const t0 = performance.now();
  await cb.waitWhilePaused?.();
  return performance.now() - t0;
}

export async function trainHead(head: Head, train: TrainSource, val: FeatureSet, numClasses: number, cfg: TrainConfig, cb: TrainCallbacks = {}, body?: Body): Promise<TrainResult> {
  const rand = mulberry32(cfg.seed);
  const makeOpt = (lr: number) => (cfg.optimizer === 'adam' ? tf.train.adam(lr) : new OnePassMomentum(lr, cfg.momentum));
  const optimizer = makeOpt(cfg.lr);
  // The unfrozen block learns more slowly than the new head: its weights are already good.
  const bodyOptimizer = body ? makeOpt(cfg.lr * (cfg.blockLrScale ?? 0.1)) : null;
  const headNames = new Set(head.variables.map((v) => v.name));
  // Read asynchronously (a synchronous read stalls a GPU backend); copies, as the loop keeps them.
  const snapshot = async () => [...(await head.snapshotAsync()), ...(await Promise.all(body?.variables.map(async (v) => ((await v.data()) as Float32Array).slice()) ?? []))];
  const restore = (all: Float32Array[]) => {
    const n = head.variables.length;
    head.restore(all.slice(0, n));
    tf.tidy(() => body?.variables.forEach((v, i) => v.assign(tf.tensor(all[n + i]!, v.shape))));
  };
  const epochs: EpochStats[] = [];
  const batchLosses: number[] = [];
  let best = { epoch: 0, valAcc: -1 };
  let bestWeights: Float32Array[] | null = null;
  let lastWeights: Float32Array[] | null = null;
  let stopped = false;
  const order = Array.from({ length: train.n }, (_, i) => i);
  const batches = Math.ceil(train.n / cfg.batchSize);
  const optimizers = [optimizer, ...(bodyOptimizer ? [bodyOptimizer] : [])];
  const r = cb.resume;
  if (r) {
    if (r.order.length !== train.n || r.weights.length !== head.variables.length + (body?.variables.length ?? 0)) throw new Error('the checkpoint does not belong to this model and dataset');
    restore(r.weights);
    for (const [k, w] of r.optimizers.entries()) {
      if (!w.length) continue;
      const named = w.map((t) => ({ name: t.name, tensor: tf.tensor(t.data, t.shape) }));
      await optimizers[k]!.setWeights(named);
      tf.dispose(named.map((n) => n.tensor));
    }
    order.splice(0, order.length, ...r.order);
    rand.state = r.rand;
    epochs.push(...r.epochs);
    batchLosses.push(...r.batchLosses);
    best = { ...r.best };
    bestWeights = r.bestWeights;
    lastWeights = r.weights;
  }
  // Messages (pause, stop) get through every few milliseconds, not after every batch: a browser
  // clamps each break to 4 ms, which was most of a warm fc8 run's time there.
  const tick = yieldEvery(8);
  try {
    for (let epoch = (r?.epoch ?? 0) + 1; epoch <= cfg.epochs && !stopped; epoch++) {
      const t0 = performance.now();
      let waited = 0;
      let held = 0;
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      let lossSum = 0;
      let correct = 0;
      for (let b = 0; b < batches; b++) {
        held += await timedWait(cb); // a pause is not the epoch's compute time
        if (cb.shouldStop?.()) {
          stopped = true;
          break;
        }
        const idx = order.slice(b * cfg.batchSize, (b + 1) * cfg.batchSize);
        const mixup = cfg.mixup ?? 0;
        const mixing = mixup > 0 && idx.length > 1;
        // The first layer's dropout applied while the batch is copied (same draws, same values),
        // where nothing comes between the batch and that layer: no block, no mixup.
        const dropFirst = !body && !mixing && cfg.dropout > 0 && !!head.layers[0]?.dropoutBefore && !!train.droppedBatch;
        let x = dropFirst ? train.droppedBatch!(idx, rand, 1 - cfg.dropout) : await train.batch(idx);
        // mixup: blend each row with a partner and the targets alike (λ ~ Beta(α, α) per batch).
        let soft: tf.Tensor2D | null = null;
        let truth = idx.map((i) => train.labels[i]!);
        if (mixing) {
          const { lambda, perm } = drawMix(rand, mixup, idx.length);
          const m = mixBatch(x, truth, numClasses, lambda, perm);
          x.dispose();
          ({ x, target: soft, dominant: truth } = m);
        }
        // Dropout masks from our PRNG: reproducible, and different for every batch.
        const masks = head.layers.map((l, i) => {
          const shape = [idx.length, inDim(l)] as [number, number];
          if (!l.dropoutBefore || cfg.dropout <= 0 || (i === 0 && dropFirst)) return null;
          return tf.tensor2d(dropoutMask(rand, shape[0] * shape[1], 1 - cfg.dropout), shape);
        });
        const yIdx = tf.tensor1d(idx.map((i) => train.labels[i]!), 'int32');
        let predsT: tf.Tensor | null = null;
        const lossFn = () => {
          const logits = head.apply(body ? body.forward(x) : x, masks);
          predsT = tf.keep(logits.argMax(-1));
          let loss = tf.losses.softmaxCrossEntropy(soft ?? tf.oneHot(yIdx, numClasses), logits);
          if (cfg.weightDecay > 0) for (const l of head.layers) loss = loss.add(l.w.square().sum().mul(cfg.weightDecay / 2));
          return loss as tf.Scalar;
        };
        let lossT: tf.Scalar;
        if (!body) lossT = optimizer.minimize(lossFn, true, head.variables)!;
        else {
          const { value, grads } = tf.variableGrads(lossFn, [...head.variables, ...body.variables]);
          const headGrads: { name: string; tensor: tf.Tensor }[] = [];
          const bodyGrads: { name: string; tensor: tf.Tensor }[] = [];
          for (const [name, tensor] of Object.entries(grads)) (headNames.has(name) ? headGrads : bodyGrads).push({ name, tensor });
          optimizer.applyGradients(headGrads);
          bodyOptimizer!.applyGradients(bodyGrads);
          tf.dispose(Object.values(grads));
          lossT = value;
        }
        const loss = (await lossT.data())[0]!;
        const preds = await predsT!.data();
        truth.forEach((label, k) => {
          if (preds[k] === label) correct++;
        });
        tf.dispose([lossT, predsT!, x, yIdx, ...(soft ? [soft] : []), ...masks.filter((m): m is tf.Tensor2D => m !== null)]);
        lossSum += loss * idx.length;
        batchLosses.push(loss);
        cb.onBatch?.(epoch, b + 1, batches, loss);
        // Lecture pace: batch b may not end before its share of paceMs (the waits are not counted as compute).
        const due = cfg.paceMs ? t0 + held + ((b + 1) / batches) * cfg.paceMs : 0;
        const left = due - performance.now();
        if (left > 1) {
          await new Promise((r) => setTimeout(r, left));
          waited += left;
        } else await tick();
      }
      if (stopped) break;
      const ev = await evaluate(head, val, numClasses, 256, body);
      const stats: EpochStats = { epoch, trainLoss: lossSum / train.n, trainAcc: correct / train.n, valLoss: ev.loss, valAcc: ev.acc, ms: performance.now() - t0 - waited - held };
      epochs.push(stats);
      lastWeights = await snapshot();
      if (ev.acc > best.valAcc) {
        best = { epoch, valAcc: ev.acc };
        bestWeights = lastWeights;
      }
      cb.onEpoch?.(stats);
      if (cb.onCheckpoint) {
        const opt = await Promise.all(
          optimizers.map(async (o) => {
            const ws = await o.getWeights();
            const out = await Promise.all(ws.map(async (w) => ({ name: w.name, shape: w.tensor.shape, data: (await w.tensor.data()).slice() as Float32Array | Int32Array })));
            // The iteration count comes as a fresh scalar; the accumulators are the optimizer's own variables.
            for (const w of ws) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
            return out;
          }),
        );
        cb.onCheckpoint({
          epoch,
          epochs: [...epochs],
          batchLosses: [...batchLosses],
          weights: lastWeights.map((w) => w.slice()),
          best: { ...best },
          bestWeights: bestWeights?.map((w) => w.slice()) ?? null,
          optimizers: opt,
          order: Int32Array.from(order),
          rand: rand.state,
        });
      }
    }
  } finally {
    for (const o of optimizers) disposeOptimizer(o);
  }
  // Stopped mid-epoch: keep the model of the last completed epoch, not a half-trained one.
  if (stopped && lastWeights) restore(lastWeights);
  return { epochs, batchLosses, best, bestWeights, stopped };
}

