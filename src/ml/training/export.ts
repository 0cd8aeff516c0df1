/**
 * The fine-tuned network as one TF.js layers model: the original trunk and frozen layers
 * (shared objects, so nothing is copied), then the trained head, with metadata that
 * makes it self-describing (new labels, strategy, recipe, metrics).
 */
import * as tf from '@tensorflow/tfjs';
import { buildModelFiles, type ModelFiles, type Quantize } from '../convert/artifacts';
import type { NamedWeight } from '../convert/stateDict';
import type { ModelMeta } from '../core/metadata';
import type { Plan } from '../core/surgery';
import type { EpochStats } from './loop';
import { units, type Head } from './head';
import { strategyLabel, type TrainConfig } from '../core/vocab';

export interface TrainingInfo {
  strategy: string;
  recipe: TrainConfig;
  epochs: EpochStats[];
  best: { epoch: number; valAcc: number };
  dataset: { name: string; classes: string[]; train: number; val: number };
}

export function buildFineTunedModel(base: tf.LayersModel, plan: Plan, head: Head, dropout: number): tf.LayersModel {
  let x = base.getLayer(plan.trunkLayer).getOutputAt(0) as tf.SymbolicTensor;
  x = (plan.pool === 'gap' ? tf.layers.globalAveragePooling2d({ name: 'ft_pool' }) : tf.layers.flatten({ name: 'ft_flatten' })).apply(x) as tf.SymbolicTensor;
  for (const name of plan.frozen) x = base.getLayer(name).apply(x) as tf.SymbolicTensor;
  const dense: [tf.layers.Layer, number][] = [];
  head.layers.forEach((l, i) => {
    if (l.dropoutBefore && dropout > 0) x = tf.layers.dropout({ name: `ft_drop${i + 1}`, rate: dropout }).apply(x) as tf.SymbolicTensor;
    const layer = tf.layers.dense({ name: l.name, units: units(l), activation: l.activation });
    x = layer.apply(x) as tf.SymbolicTensor;
    dense.push([layer, i]);
  });
  const model = tf.model({ inputs: base.inputs, outputs: x, name: `${base.name}_finetuned` });
  for (const [layer, i] of dense) {
    const k = head.kernel(i);
    layer.setWeights([k, head.layers[i]!.b]);
    if (k !== head.layers[i]!.w) k.dispose();
  }
  return model;
}

/** Frees the new layers `buildFineTunedModel` made (the trunk and frozen layers belong to the backbone). */
export function disposeFineTunedHead(model: tf.LayersModel, plan: Plan): void {
  for (const h of plan.head) model.getLayer(h.name).dispose();
}

export function fineTunedFiles(model: tf.LayersModel, baseMeta: ModelMeta, plan: Plan, classes: string[], info: TrainingInfo, quantize: Quantize = 'none'): ModelFiles {
  const weights: NamedWeight[] = model.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[], data: w.read().dataSync() as Float32Array }));
  const meta: ModelMeta & { training: TrainingInfo } = {
    ...baseMeta,
    // The strategy in the model's own layer names (SqueezeNet has no fc8: "New conv10 only").
    name: `${baseMeta.name} fine-tuned on ${info.dataset.name} (${strategyLabel(plan.strategy, baseMeta.classifierLayers, true)})`,
    source: `fine-tuned in TransferLens from ${baseMeta.source}`,
    labels: classes,
    classifierLayers: [...plan.frozen, ...plan.head.map((h) => h.name)],
    training: info,
  };
  return buildModelFiles(model, weights, meta, quantize);
}
