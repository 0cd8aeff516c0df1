/**
 * Model surgery for transfer learning, from the model metadata (so any converted backbone
 * works): which layer's output the feature cache holds, which pretrained layers stay
 * frozen on top of it, and which layers are trained.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ModelMeta } from './metadata';

import type { Strategy } from './vocab';

export interface HeadLayerSpec {
  name: string;
  units: number;
  activation: 'relu' | 'linear';
  /** Dropout on this layer's input while training. */
  dropoutBefore: boolean;
  /** Start from this pretrained layer's weights instead of a fresh init. */
  initFrom?: string;
}

export interface Plan {
  strategy: Strategy;
  /** The frozen trunk ends here; the feature cache stores this layer's (pooled) output. */
  trunkLayer: string;
  pool: 'flatten' | 'gap';
  /** Pretrained layers applied, frozen, on the cached features before the head. */
  frozen: string[];
  head: HeadLayerSpec[];
  note?: string;
}

/** The little of a layers model the planner reads (a tf.LayersModel, or a topology's analysis). */
export interface LayerLike {
  name: string;
  outputShape: tf.Shape | tf.Shape[] | (number | null)[];
  getClassName(): string;
  countParams(): number;
}
export interface ModelLike {
  layers: LayerLike[];
  getLayer(name: string): LayerLike;
}

export class SurgeryError extends Error {
  override name = 'SurgeryError';
}

function units(model: ModelLike, name: string): number {
  const shape = model.getLayer(name).outputShape as number[];
  return shape[shape.length - 1]!;
}

export function planFor(model: ModelLike, meta: Pick<ModelMeta, 'arch' | 'trunkOutput' | 'classifierLayers'>, strategy: Strategy, numClasses: number): Plan {
  if (numClasses < 2) throw new SurgeryError('a classifier needs at least two classes');
  const cls = meta.classifierLayers;
  if (!meta.trunkOutput || cls.length === 0)
    throw new SurgeryError('this model has no trunkOutput / classifierLayers metadata; convert it with npm run convert or add them');
  const first = model.getLayer(cls[0]!);
  if (first.getClassName() === 'Conv2D') {
    // SqueezeNet: the classifier is a 1×1 conv + global average pooling.
    if (strategy !== 'fc8')
      throw new SurgeryError(`${meta.arch} has no fully connected layers: only "fc8" (replace the ${cls.at(-1)} classifier) applies; valid: fc8`);
    return {
      strategy,
      trunkLayer: meta.trunkOutput,
      pool: 'gap',
      frozen: [],
      head: [{ name: 'classifier', units: numClasses, activation: 'linear', dropoutBefore: true }],
      note: `${cls.at(-1)} (a 1×1 convolution followed by global average pooling) is replaced by a linear layer on the globally pooled ${meta.trunkOutput} features — the same map without the final ReLU.`,
    };
  }
  if (cls.length < 3) throw new SurgeryError(`strategy ${strategy} needs three classifier layers (fc6, fc7, fc8); this model has ${cls.join(', ')}`);
  const [fc6, fc7, fc8] = cls.slice(-3) as [string, string, string];
  const out = (name: string): HeadLayerSpec => ({ name, units: numClasses, activation: 'linear', dropoutBefore: true });
  const base = { strategy, trunkLayer: meta.trunkOutput, pool: 'flatten' as const };
  switch (strategy) {
    case 'fc8':
      return { ...base, frozen: [fc6, fc7], head: [out(fc8)] };
    case 'fc7-fc8':
      return { ...base, frozen: [fc6], head: [{ name: fc7, units: units(model, fc7), activation: 'relu', dropoutBefore: true }, out(fc8)] };
    case 'fc6-head':
      return { ...base, frozen: [fc6], head: [out('classifier')] };
    case 'all-fc':
      return {
        ...base,
        frozen: [],
        head: [
          { name: fc6, units: units(model, fc6), activation: 'relu', dropoutBefore: true, initFrom: fc6 },
          { name: fc7, units: units(model, fc7), activation: 'relu', dropoutBefore: true, initFrom: fc7 },
          out(fc8),
        ],
      };
  }
}

export interface LayerRow {
  name: string;
  type: string;
  outputShape: string;
  params: number;
  status: 'frozen' | 'trainable' | 'new' | 'removed' | '—';
}

/** The layer table the studio shows: every layer, its shape, parameters and fate. */
export function layerTable(model: ModelLike, plan: Plan, inDim?: number): LayerRow[] {
  const rows: LayerRow[] = [];
  const headNames = new Set(plan.head.map((h) => h.initFrom).filter(Boolean));
  let seenTrunk = false;
  for (const l of model.layers) {
    const isWeighted = l.countParams() > 0;
    let status: LayerRow['status'] = isWeighted ? 'frozen' : '—';
    if (seenTrunk && isWeighted) status = plan.frozen.includes(l.name) ? 'frozen' : headNames.has(l.name) ? 'trainable' : 'removed';
    rows.push({ name: l.name, type: l.getClassName(), outputShape: JSON.stringify(l.outputShape).replace(/null/g, 'N'), params: l.countParams(), status });
    if (l.name === plan.trunkLayer) seenTrunk = true;
  }
  let dim = inDim ?? 0;
  for (const h of plan.head) {
    if (h.initFrom) {
      dim = h.units;
      continue;
    }
    rows.push({ name: `${h.name} (new)`, type: 'Dense', outputShape: `[N,${h.units}]`, params: dim * h.units + h.units, status: 'new' });
    dim = h.units;
  }
  return rows;
}

/**
 * The last convolutional block before the trunk output: the layers after the last pooling
 * layer that precedes them (AlexNet conv3–conv5, VGG16 block5, SqueezeNet fire6–fire9).
 */
export function lastConvBlock(model: ModelLike, trunkLayer: string): { input: string; layers: string[] } {
  const end = model.layers.findIndex((l) => l.name === trunkLayer);
  if (end < 0) throw new SurgeryError(`no layer ${trunkLayer}`);
  const isPool = (l: LayerLike) => /Pooling2D$/.test(l.getClassName());
  let i = isPool(model.layers[end]!) ? end - 1 : end;
  const layers: string[] = [];
  for (; i > 0 && !isPool(model.layers[i]!); i--) if (model.layers[i]!.getClassName() === 'Conv2D') layers.unshift(model.layers[i]!.name);
  if (i <= 0 || layers.length === 0) throw new SurgeryError('no convolutional block found before the trunk output');
  return { input: model.layers[i]!.name, layers };
}
