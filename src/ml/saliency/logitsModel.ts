/** A logits (pre-softmax) view of any classifier, sharing its weights: saliency differentiates the unnormalised score. */
import * as tf from '@tensorflow/tfjs';

export interface LogitsModel {
  model: tf.LayersModel;
  /** True when the original ended in a softmax and a logits head was built. */
  rebuilt: boolean;
  dispose(): void;
}

/**
 * A model with the same weights that outputs pre-softmax scores. Differentiating
 * through a softmax by accident would give the probability's gradient, which mixes in
 * every other class (Simonyan et al. use the unnormalised score).
 */
export function logitsModel(model: tf.LayersModel): LogitsModel {
  const last = model.layers[model.layers.length - 1]!;
  const cls = last.getClassName();
  const cfg = last.getConfig() as { activation?: string; name?: string };
  const ins = (last as unknown as { inboundNodes: { inputTensors: tf.SymbolicTensor[] }[] }).inboundNodes[0]?.inputTensors ?? [];
  if (cls === 'Softmax' || (cls === 'Activation' && cfg.activation === 'softmax')) {
    const m = tf.model({ inputs: model.inputs, outputs: ins[0]!, name: `${model.name}_logits` });
    return { model: m, rebuilt: true, dispose: () => {} };
  }
  if (cfg.activation === 'softmax') {
    const Ctor = last.constructor as unknown as {
      new (c: Record<string, unknown>): tf.layers.Layer;
    };
    const clone = new Ctor({ ...cfg, activation: 'linear', name: `${cfg.name}_logits` });
    const out = clone.apply(ins.length === 1 ? ins[0]! : ins) as tf.SymbolicTensor;
    clone.setWeights(last.getWeights());
    const m = tf.model({ inputs: model.inputs, outputs: out, name: `${model.name}_logits` });
    return { model: m, rebuilt: true, dispose: () => clone.weights.forEach((w) => w.dispose()) };
  }
  return { model, rebuilt: false, dispose: () => {} };
}

