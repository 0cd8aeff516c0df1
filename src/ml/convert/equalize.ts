/**
 * Cross-layer equalisation (Nagel et al. 2019, "Data-Free Quantization"), applied before uint8
 * quantisation. TF.js's weight manifest has one scale per tensor, so one wide output channel
 * sets the step for all. A ReLU network computes the same function when an output channel c of
 * a layer is divided by s_c > 0 (its kernel column and bias) and the next layer's input rows for
 * c are multiplied by s_c — ReLU, max/average pooling, padding, dropout, flatten and
 * concatenation commute with a positive per-channel scale. With s_c = √(r1_c / r2_c), r1 the
 * producer's column range and r2 the consumers' row range, both become √(r1_c·r2_c): the ranges
 * even out and per-tensor uint8 approaches per-channel uint8 — and the files stay plain TF.js.
 *
 * A layer is equalised only where every path from it reaches a Conv2D or Dense layer through
 * such channel-wise layers (never a model output, a softmax, LRN, an addition…).
 */
import type * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from './stateDict';

/** Layers through which a positive per-channel scale passes unchanged. */
const PASS = new Set(['MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'ZeroPadding2D', 'Dropout', 'ReLU']);
const WEIGHTED = new Set(['Conv2D', 'Dense']);

interface Consumer {
  layer: tf.layers.Layer;
  /** Where the producer's channels start in the consumer's input channels. */
  offset: number;
  /** Consumer's input channels in all (after concatenation). */
  channels: number;
  /** Spatial positions per channel when a Flatten came between (NHWC: row = p·channels + c). */
  positions: number;
}

type Layer = tf.layers.Layer;
const cfg = (l: Layer) => l.getConfig() as { activation?: string; groups?: number; axis?: number };
const outShape = (l: Layer) => l.outputShape as (number | null)[];
const lastDim = (l: Layer) => outShape(l).at(-1)!;
const outbound = (l: Layer): Layer[] => (l as unknown as { outboundNodes: { outboundLayer: Layer }[] }).outboundNodes.map((n) => n.outboundLayer);
const inbound = (l: Layer): Layer[] => (l as unknown as { inboundNodes: { inboundLayers: Layer[] }[] }).inboundNodes.flatMap((n) => n.inboundLayers);

/** The weighted layers the producer's channels reach, or null where some path goes elsewhere. */
function consumersOf(producer: Layer, outputs: Set<Layer>): Consumer[] | null {
  const found: Consumer[] = [];
  const walk = (from: Layer, offset: number, positions: number): boolean => {
    if (outputs.has(from)) return false;
    const next = outbound(from);
    if (next.length === 0) return false;
    for (const l of next) {
      const kind = l.getClassName();
      if (WEIGHTED.has(kind)) {
        if (kind === 'Conv2D' && (cfg(l).groups ?? 1) !== 1) return false;
        const inShape = (l.input as tf.SymbolicTensor).shape;
        found.push({ layer: l, offset, channels: positions > 1 ? inShape.at(-1)! / positions : inShape.at(-1)!, positions });
      } else if (PASS.has(kind) || (kind === 'Activation' && ['relu', 'linear'].includes(cfg(l).activation ?? ''))) {
        if (!walk(l, offset, positions)) return false;
      } else if (kind === 'Flatten') {
        const s = outShape(from);
        if (s.length !== 4) return false;
        if (!walk(l, offset, s[1]! * s[2]!)) return false;
      } else if (kind === 'Concatenate') {
        const axis = cfg(l).axis ?? -1;
        if (axis !== -1 && axis !== 3) return false;
        let before = 0;
        for (const i of inbound(l)) {
          if (i === from) break;
          before += lastDim(i);
        }
        if (!walk(l, offset + before, positions)) return false;
      } else return false;
    }
    return true;
  };
  return walk(producer, 0, 1) ? found : null;
}

/** max |w| of each output column (the producer's channels). */
function columnRanges(k: NamedWeight): Float64Array {
  const out = k.shape.at(-1)!;
  const r = new Float64Array(out);
  for (let i = 0; i < k.data.length; i++) {
    const c = i % out;
    const a = Math.abs(k.data[i]!);
    if (a > r[c]!) r[c] = a;
  }
  return r;
}

/** For each kernel row of a consumer, the producer channel it reads (−1: another producer's). */
function rowChannels(k: NamedWeight, cons: Consumer, channels: number): Int32Array {
  const out = k.shape.at(-1)!;
  const cin = k.shape.at(-2)!;
  const rows = k.data.length / out;
  const ch = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = ((r % cin) % cons.channels) - cons.offset;
    ch[r] = c >= 0 && c < channels ? c : -1;
  }
  return ch;
}
/**
 * Equalises every eligible producer → consumers pair in place (a few sweeps, as the paper
 * iterates to convergence). Returns the producers touched. The function the model computes is
 * unchanged up to float rounding.
 */
export function equalizeChannels(model: tf.LayersModel, weights: NamedWeight[], sweeps = 4): string[] {
  const byName = new Map(weights.map((w) => [w.name, w]));
  const kernelOf = (l: Layer) => byName.get(`${l.name}/kernel`);
  const outputs = new Set(model.outputLayers as Layer[]);
  const pairs: { producer: Layer; consumers: Consumer[] }[] = [];
  for (const l of model.layers) {
    if (!WEIGHTED.has(l.getClassName()) || !['relu', 'linear'].includes(cfg(l).activation ?? 'linear')) continue;
    if (!kernelOf(l)) continue;
    const consumers = consumersOf(l, outputs);
    if (consumers?.length && consumers.every((k) => kernelOf(k.layer))) pairs.push({ producer: l, consumers });
  }
  for (let sweep = 0; sweep < sweeps; sweep++)
    for (const { producer, consumers } of pairs) {
      const k1 = kernelOf(producer)!;
      const bias = byName.get(`${producer.name}/bias`);
      const channels = k1.shape.at(-1)!;
      const r1 = columnRanges(k1);
      const r2 = new Float64Array(channels);
      const rowsOf = consumers.map((k) => ({ w: kernelOf(k.layer)!, ch: rowChannels(kernelOf(k.layer)!, k, channels) }));
      for (const { w, ch } of rowsOf) {
        const out = w.shape.at(-1)!;
        for (let r = 0; r < ch.length; r++) {
          const c = ch[r]!;
          if (c < 0) continue;
          let m = r2[c]!;
          for (let o = r * out; o < (r + 1) * out; o++) m = Math.max(m, Math.abs(w.data[o]!));
          r2[c] = m;
        }
      }
      const s = r1.map((a, c) => (a > 0 && r2[c]! > 0 ? Math.sqrt(a / r2[c]!) : 1));
      for (let i = 0; i < k1.data.length; i++) k1.data[i] = k1.data[i]! / s[i % channels]!;
      if (bias) for (let c = 0; c < channels; c++) bias.data[c] = bias.data[c]! / s[c]!;
      for (const { w, ch } of rowsOf) {
        const out = w.shape.at(-1)!;
        for (let r = 0; r < ch.length; r++) {
          const c = ch[r]!;
          if (c < 0) continue;
          for (let o = r * out; o < (r + 1) * out; o++) w.data[o] = w.data[o]! * s[c]!;
        }
      }
    }
  return pairs.map((p) => p.producer.name);
}
