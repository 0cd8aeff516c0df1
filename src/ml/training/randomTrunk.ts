/**
 * The control that shows what ImageNet pretraining buys: the same network with its trunk's weights
 * re-drawn at random (He-normal, seeded), so the same strategy and recipe train on features that
 * learned nothing. Changes the model in place: use it on a model of its own.
 */
import * as tf from '@tensorflow/tfjs';
import { gaussian, mulberry32 } from '../core/random';
import { modelUpTo } from '../runtime/graph';

/** Runs `fn` with the trunk re-drawn at random (seeded), then puts the pretrained weights back. */
export async function withRandomTrunk<T>(model: tf.LayersModel, trunkLayer: string, seed: number, fn: () => Promise<T> | T): Promise<T> {
  const layers = modelUpTo(model, trunkLayer).layers.filter((l) => l.getWeights().length > 0);
  const saved = layers.map((l) => l.getWeights().map((w) => ({ shape: w.shape, data: (w.dataSync() as Float32Array).slice() })));
  randomizeTrunk(model, trunkLayer, seed);
  try {
    return await fn();
  } finally {
    tf.tidy(() => layers.forEach((l, i) => l.setWeights(saved[i]!.map((w) => tf.tensor(w.data, w.shape)))));
  }
}

/** Re-draws every weight of the layers up to and including `trunkLayer`; returns how many tensors changed. */
export function randomizeTrunk(model: tf.LayersModel, trunkLayer: string, seed: number): number {
  const trunk = new Set(modelUpTo(model, trunkLayer).layers.map((l) => l.name));
  const normal = gaussian(mulberry32(seed ^ 0x7a11));
  let changed = 0;
  for (const layer of model.layers) {
    // Conv and dense layers only (the converted architectures have no batch norm to keep).
    if (!trunk.has(layer.name) || layer.getWeights().length === 0 || /BatchNorm/i.test(layer.getClassName())) continue;
    const next = layer.getWeights().map((w) => {
      const shape = w.shape;
      // Kernels: He-normal by fan-in (all but the last axis); biases and the rest: zeros.
      if (shape.length < 2) return tf.zeros(shape);
      const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const std = Math.sqrt(2 / fanIn);
      return tf.tensor(Float32Array.from({ length: w.size }, () => normal() * std), shape);
    });
    layer.setWeights(next);
    tf.dispose(next);
    changed += next.length;
  }
  return changed;
}
