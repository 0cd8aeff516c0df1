/** The head keeps big kernels as [units, in] (x·Wᵀ) and is, from outside, the same network as with [in, units]. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../../test/tfSetup';
import { mulberry32 } from '../core/random';
import type { Plan } from '../core/surgery';
import type { TrainConfig } from '../core/vocab';
import { createHead, Head, OUT_IN_WEIGHTS, transposed, type HeadLayer } from './head';
import { cachedSource, trainHead } from './loop';

beforeAll(tfReady);

const BIG = Math.sqrt(OUT_IN_WEIGHTS); // a square kernel of this side is "big"

function plan(initFrom?: string): Plan {
  return {
    strategy: 'fc7-fc8',
    trunkLayer: 't',
    pool: 'flatten',
    frozen: [],
    head: [
      { name: 'fc7', units: BIG, activation: 'relu', dropoutBefore: true, ...(initFrom ? { initFrom } : {}) },
      { name: 'fc8', units: 3, activation: 'linear', dropoutBefore: true },
    ],
  };
}

/** The same head, its kernels in the layout asked for. */
function headFrom(values: Float32Array[], dims: number[], outIn: boolean): Head {
  const layers: HeadLayer[] = [];
  for (let i = 0; i + 1 < dims.length; i++) {
    const [d, u] = [dims[i]!, dims[i + 1]!];
    const big = outIn && d * u >= OUT_IN_WEIGHTS;
    const k = values[2 * i]!;
    layers.push({
      name: `l${i}`,
      w: tf.variable(big ? tf.tensor2d(transposed(k, d, u), [u, d]) : tf.tensor2d(k, [d, u])),
      b: tf.variable(tf.tensor1d(values[2 * i + 1]!)),
      activation: i + 2 < dims.length ? 'relu' : 'linear',
      dropoutBefore: true,
      outIn: big,
    });
  }
  return new Head(layers);
}

describe('head layout', () => {
  it('transposed: blocks and edges', () => {
    const [r, c] = [70, 131];
    const a = Float32Array.from({ length: r * c }, (_, i) => i);
    const t = transposed(a, r, c);
    let wrong = 0;
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) if (t[j * r + i] !== a[i * c + j]) wrong++;
    expect(wrong).toBe(0);
    expect(Array.from(transposed(t, c, r))).toEqual(Array.from(a));
  });

  it('a big new kernel is drawn as before (Glorot, [in, units] order) and kept as [units, in]; snapshot, restore and kernel speak [in, units]', () => {
    const before = tf.memory().numTensors;
    const head = createHead(null as unknown as tf.LayersModel, plan(), BIG, 7);
    const [fc7, fc8] = head.layers;
    expect(fc7!.outIn).toBe(true);
    expect(fc7!.w.shape).toEqual([BIG, BIG]);
    expect(fc8!.outIn).toBe(false);
    expect(fc8!.w.shape).toEqual([BIG, 3]);
    const rand = mulberry32(7 ^ 0x5eed);
    const limit = Math.sqrt(6 / (BIG + BIG));
    const drawn = Float32Array.from({ length: BIG * BIG }, () => (rand() * 2 - 1) * limit);
    const snap = head.snapshot();
    expect(snap[0]!.length).toBe(drawn.length);
    expect(snap[0]!.every((v, i) => v === drawn[i])).toBe(true);
    const k = head.kernel(0);
    expect(k.shape).toEqual([BIG, BIG]);
    expect((k.dataSync() as Float32Array).every((v, i) => v === drawn[i])).toBe(true);
    k.dispose();
    // Restore a changed snapshot: the [in, units] values come back as given.
    snap[0]![1] = 42;
    head.restore(snap);
    expect(head.snapshot()[0]![1]).toBe(42);
    expect((fc7!.w.dataSync() as Float32Array)[BIG]).toBe(42); // row 1 of [units, in] = column 1 of [in, units]
    head.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(['wasm', 'cpu'])('snapshotAsync reads what snapshot reads, as copies of its own (%s)', async (backend) => {
    // The CPU backend hands out a tensor's own values: a missing copy shows there.
    const prev = tf.getBackend();
    await tf.setBackend(backend);
    try {
      const before = tf.memory().numTensors;
      const head = createHead(null as unknown as tf.LayersModel, plan(), BIG, 3);
      tf.tidy(() => head.layers.forEach((l) => l.b.assign(tf.randomUniform(l.b.shape, -1, 1, 'float32', 5))));
      const [sync, read] = [head.snapshot(), await head.snapshotAsync()];
      expect(read.map((w) => w.length)).toEqual(sync.map((w) => w.length));
      read.forEach((w, i) => expect(w.every((v, j) => v === sync[i]![j]), `weight ${i}`).toBe(true));
      // Changing what it returned leaves the head as it was (the loop keeps and transfers these arrays).
      for (const w of read) w.fill(0);
      head.snapshot().forEach((w, i) => expect(w.every((v, j) => v === sync[i]![j]), `weight ${i}`).toBe(true));
      head.dispose();
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await tf.setBackend(prev);
    }
  });

  it('a big pretrained kernel starts from the layer as it is', () => {
    const input = tf.input({ shape: [BIG] });
    const y = tf.layers.dense({ units: BIG, name: 'fc7', kernelInitializer: 'glorotUniform' }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: y });
    const head = createHead(model, plan('fc7'), BIG, 1);
    expect(head.layers[0]!.outIn).toBe(true);
    const want = model.getLayer('fc7').getWeights()[0]!.dataSync() as Float32Array;
    expect(head.snapshot()[0]!.every((v, i) => v === want[i])).toBe(true);
    head.dispose();
    model.dispose();
  });

  it('training a big kernel as [units, in] gives the run [in, units] gives', async () => {
    const dims = [BIG, BIG, 3];
    const r = mulberry32(3);
    const init = [0, 1].flatMap((i) => [Float32Array.from({ length: dims[i]! * dims[i + 1]! }, () => (r() - 0.5) * 0.05), Float32Array.from({ length: dims[i + 1]! }, () => (r() - 0.5) * 0.1)]);
    const n = 48;
    const y = Int32Array.from({ length: n }, (_, i) => i % 3);
    const x = Float32Array.from({ length: n * BIG }, (_, i) => Math.max(0, r() - 0.4) + (i % 3 === y[Math.floor(i / BIG)]! ? 0.3 : 0));
    const set = { x, y, n, dim: BIG };
    const cfg: TrainConfig = { optimizer: 'sgd', lr: 0.05, momentum: 0.9, batchSize: 16, epochs: 2, dropout: 0.5, weightDecay: 1e-4, seed: 5 };
    const runs = [];
    for (const outIn of [false, true]) {
      const head = headFrom(init, dims, outIn);
      expect(head.layers[0]!.outIn).toBe(outIn);
      const res = await trainHead(head, cachedSource(set), set, 3, cfg);
      runs.push({ losses: res.batchLosses, weights: head.snapshot() });
      head.dispose();
    }
    const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(b.losses.length).toBe(a.losses.length);
    b.losses.forEach((l, i) => expect(l).toBeCloseTo(a.losses[i]!, 4));
    b.weights.forEach((w, i) => {
      const scale = a.weights[i]!.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      let diff = 0;
      w.forEach((v, j) => (diff = Math.max(diff, Math.abs(v - a.weights[i]![j]!))));
      expect(diff).toBeLessThan(1e-4 * scale);
    });
    // It did train: the weights moved from where they started.
    expect(a.weights[0]!.some((v, j) => Math.abs(v - init[0]![j]!) > 1e-4)).toBe(true);
  });
});
