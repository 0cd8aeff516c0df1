/** Cutting a layers model at a named layer: the part before it and the part after it. */
import * as tf from '@tensorflow/tfjs';

type Node = { inboundLayers?: tf.layers.Layer[]; inputTensors?: tf.SymbolicTensor[] };

function inbound(layer: tf.layers.Layer): tf.SymbolicTensor[] {
  const nodes = (layer as unknown as { inboundNodes: Node[] }).inboundNodes;
  return nodes[0]?.inputTensors ?? [];
}

/** A layer's output in the model's own graph (node 0; cutting adds more nodes). */
function outputOf(layer: tf.layers.Layer): tf.SymbolicTensor {
  return layer.getOutputAt(0) as tf.SymbolicTensor;
}

const cache = new WeakMap<tf.LayersModel, Map<string, tf.LayersModel>>();
function cached(model: tf.LayersModel, key: string, make: () => tf.LayersModel): tf.LayersModel {
  let m = cache.get(model);
  if (!m) cache.set(model, (m = new Map()));
  let out = m.get(key);
  if (!out) m.set(key, (out = make()));
  return out;
}

/** Model from the input to `layerName`'s output. Shares the weights; cached per model. */
export function modelUpTo(model: tf.LayersModel, layerName: string): tf.LayersModel {
  return cached(model, `up:${layerName}`, () =>
    tf.model({ inputs: model.inputs, outputs: outputOf(model.getLayer(layerName)), name: `${model.name}_to_${layerName}` }),
  );
}

/**
 * Model from `layerName`'s output to the model's output, re-applying the same layer
 * objects (so weights are shared). Works for chains and DAGs whose later part depends
 * only on that layer (VGG, AlexNet, SqueezeNet after any fire module).
 */
export function modelFrom(model: tf.LayersModel, layerName: string): tf.LayersModel {
  return cached(model, `from:${layerName}`, () => buildFrom(model, layerName));
}

/** Model from `from`'s output to `to`'s output (same layer objects, shared weights). */
export function modelBetween(model: tf.LayersModel, from: string, to: string): tf.LayersModel {
  return cached(model, `between:${from}:${to}`, () => buildFrom(model, from, to));
}

function buildFrom(model: tf.LayersModel, layerName: string, to?: string): tf.LayersModel {
  const start = model.getLayer(layerName);
  const startOut = outputOf(start);
  const input = tf.input({ shape: startOut.shape.slice(1) as number[], name: `${layerName}_in` });
  const mapped = new Map<number, tf.SymbolicTensor>([[startOut.id, input]]);
  const startIndex = model.layers.indexOf(start);
  const stopIndex = to ? model.layers.indexOf(model.getLayer(to)) : model.layers.length - 1;
  for (const layer of model.layers.slice(startIndex + 1, stopIndex + 1)) {
    const ins = inbound(layer);
    if (ins.length === 0) continue;
    const args = ins.map((t) => mapped.get(t.id));
    if (args.some((a) => a === undefined)) {
      if (args.some((a) => a !== undefined))
        throw new Error(`cannot cut the model at ${layerName}: layer ${layer.name} also takes tensors from before it (a skip connection)`);
      continue;
    }
    const out = layer.apply(args.length === 1 ? args[0]! : (args as tf.SymbolicTensor[])) as tf.SymbolicTensor;
    mapped.set(outputOf(layer).id, out);
  }
  const target = to ? outputOf(model.getLayer(to)) : (model.outputs[0] as tf.SymbolicTensor);
  const finalOut = mapped.get(target.id);
  if (!finalOut) throw new Error(`${to ?? "the model's output"} does not depend on layer ${layerName}`);
  return tf.model({ inputs: input, outputs: finalOut, name: `${model.name}_${layerName}_to_${to ?? 'out'}` });
}

/** Layers whose output is a 4-D feature map, input → output (Grad-CAM candidates). */
export function spatialLayers(model: tf.LayersModel): string[] {
  return model.layers.filter((l) => {
    const s = (l.outputShape as (number | null)[]) ?? [];
    return Array.isArray(s) && s.length === 4 && l.getClassName() !== 'InputLayer';
  }).map((l) => l.name);
}

/** The last conv-like layer: Grad-CAM's default when the metadata does not name one. */
export function lastSpatialLayer(model: tf.LayersModel): string | null {
  const names = spatialLayers(model);
  for (let i = names.length - 1; i >= 0; i--) {
    const s = model.getLayer(names[i]!).outputShape as number[];
    if (s[1]! > 1 || s[2]! > 1) return names[i]!;
  }
  return null;
}
