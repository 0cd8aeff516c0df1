/**
 * The architecture view, from a Keras/TF.js layers topology alone (model.json's
 * `modelTopology`; no weights, no TF.js): each layer's output shape, parameter count and
 * FLOPs. FLOPs count the multiply–adds of convolutions and dense layers, ×2 (the usual
 * convention: VGG16 ≈ 30.9 GFLOPs = 15.5 G multiply–adds); pooling, activations and
 * normalisation cost little and are counted as 0.
 */
import type { LayerLike, ModelLike } from './surgery';

type Shape = (number | null)[];

export interface ArchLayer {
  name: string;
  type: string;
  inputs: string[];
  outputShape: Shape;
  params: number;
  flops: number;
}

export class TopologyError extends Error {
  override name = 'TopologyError';
}

interface KerasLayer {
  class_name: string;
  name?: string;
  config: Record<string, unknown>;
  inbound_nodes?: unknown[];
}

function layersOf(topology: unknown): { layers: KerasLayer[]; sequential: boolean } {
  let t = topology as Record<string, unknown> | null;
  if (t && typeof t === 'object' && 'model_config' in t) t = t.model_config as Record<string, unknown>;
  if (!t || typeof t !== 'object' || typeof t.class_name !== 'string') throw new TopologyError('not a Keras model topology');
  const cfg = t.config as unknown;
  const layers = (Array.isArray(cfg) ? cfg : (cfg as { layers?: unknown })?.layers) as KerasLayer[] | undefined;
  if (!Array.isArray(layers)) throw new TopologyError('the topology lists no layers');
  return { layers, sequential: t.class_name === 'Sequential' };
}

const pair = (v: unknown, d: number): [number, number] => (Array.isArray(v) ? [Number(v[0]), Number(v[1] ?? v[0])] : typeof v === 'number' ? [v, v] : [d, d]);

function convOut(size: number | null, k: number, s: number, pad: string, dil = 1): number | null {
  if (size === null) return null;
  const ke = (k - 1) * dil + 1;
  return pad === 'same' ? Math.ceil(size / s) : Math.floor((size - ke) / s) + 1;
}

function inboundNames(l: KerasLayer): string[] {
  const nodes = l.inbound_nodes as unknown[][] | undefined;
  if (!nodes?.length) return [];
  const first = nodes[0] as unknown;
  // Keras 2: [[["name", 0, 0, {}], ...]]; Keras 3: [{args: [...]}] (not produced by TF.js).
  if (Array.isArray(first)) return (first as unknown[]).map((n) => (Array.isArray(n) ? String(n[0]) : String(n)));
  return [];
}

/** Every layer with its output shape, parameters and FLOPs, in topology order. */
export function analyzeTopology(topology: unknown): ArchLayer[] {
  const { layers, sequential } = layersOf(topology);
  const shapes = new Map<string, Shape>();
  const out: ArchLayer[] = [];
  let prev: string | null = null;
  for (const l of layers) {
    const c = l.config;
    const name = String(l.name ?? c.name ?? `layer${out.length}`);
    let inputs = sequential ? (prev ? [prev] : []) : inboundNames(l);
    let inShapes = inputs.map((i) => shapes.get(i));
    if (inShapes.some((s) => !s)) throw new TopologyError(`layer ${name}: input ${inputs[inShapes.findIndex((s) => !s)]} is unknown or comes later`);
    if (inputs.length === 0 && (c.batch_input_shape || c.batchInputShape || c.batch_shape)) {
      const bis = (c.batch_input_shape ?? c.batchInputShape ?? c.batch_shape) as Shape;
      if (l.class_name !== 'InputLayer') {
        // A sequential model's first layer carries the input shape itself.
        const inName = `${name}_input`;
        shapes.set(inName, bis);
        out.push({ name: inName, type: 'InputLayer', inputs: [], outputShape: bis, params: 0, flops: 0 });
        inputs = [inName];
        inShapes = [bis];
      } else {
        shapes.set(name, bis);
        out.push({ name, type: 'InputLayer', inputs: [], outputShape: bis, params: 0, flops: 0 });
        prev = name;
        continue;
      }
    }
    const x = inShapes[0] as Shape;
    let shape: Shape;
    let params = 0;
    let flops = 0;
    const channelsFirst = c.data_format === 'channels_first';
    if (channelsFirst && /2D$/.test(l.class_name)) throw new TopologyError(`layer ${name}: channels_first is not supported`);
    switch (l.class_name) {
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const [kh, kw] = pair(c.kernel_size, 1);
        const [sh, sw] = pair(c.strides, 1);
        const [dh, dw] = pair(c.dilation_rate, 1);
        const pad = String(c.padding ?? 'valid');
        const cin = x[3] as number;
        const depthwise = l.class_name === 'DepthwiseConv2D';
        const cout = depthwise ? cin * Number(c.depth_multiplier ?? 1) : Number(c.filters);
        const h = convOut(x[1]!, kh, sh, pad, dh);
        const w = convOut(x[2]!, kw, sw, pad, dw);
        shape = [x[0]!, h, w, cout];
        const perOut = kh * kw * (depthwise ? 1 : cin);
        params = perOut * cout + (c.use_bias === false ? 0 : cout);
        flops = 2 * perOut * cout * (h ?? 0) * (w ?? 0);
        break;
      }
      case 'Dense': {
        const units = Number(c.units);
        const cin = x.at(-1) as number;
        shape = [...x.slice(0, -1), units];
        params = cin * units + (c.use_bias === false ? 0 : units);
        flops = 2 * cin * units;
        break;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const [ph, pw] = pair(c.pool_size, 2);
        const [sh, sw] = pair(c.strides ?? c.pool_size, ph);
        const pad = String(c.padding ?? 'valid');
        shape = [x[0]!, convOut(x[1]!, ph, sh, pad), convOut(x[2]!, pw, sw, pad), x[3]!];
        break;
      }
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D':
        shape = [x[0]!, x[3]!];
        break;
      case 'Flatten':
        shape = [x[0]!, x.slice(1).every((d) => d !== null) ? (x.slice(1) as number[]).reduce((a, b) => a * b, 1) : null];
        break;
      case 'ZeroPadding2D': {
        const p = c.padding;
        // An int, [h, w] (symmetric), or [[top, bottom], [left, right]].
        const [vt, hz] = Array.isArray(p) ? (p as unknown[]) : [p, p];
        const [t, b] = pair(vt, 0);
        const [le, r] = pair(hz, 0);
        shape = [x[0]!, x[1]! === null ? null : x[1]! + t + b, x[2]! === null ? null : x[2]! + le + r, x[3]!];
        break;
      }
      case 'Concatenate': {
        const axis = Number(c.axis ?? -1);
        const ax = axis < 0 ? x.length + axis : axis;
        shape = [...x];
        shape[ax] = inShapes.reduce((a, s) => (a === null || s![ax] === null ? null : a + (s![ax] as number)), 0 as number | null);
        break;
      }
      case 'BatchNormalization': {
        const ch = x.at(-1) as number;
        shape = [...x];
        params = ch * (2 + (c.center === false ? 0 : 1) + (c.scale === false ? 0 : 1));
        break;
      }
      case 'Reshape':
        shape = [x[0]!, ...((c.target_shape as number[]) ?? [])];
        break;
      case 'Add':
      case 'Multiply':
      case 'Average':
      case 'Maximum':
      case 'Dropout':
      case 'SpatialDropout2D':
      case 'Activation':
      case 'ReLU':
      case 'LeakyReLU':
      case 'ELU':
      case 'Softmax':
      case 'PReLU':
        shape = [...x];
        if (l.class_name === 'PReLU') params = (x.slice(1) as number[]).reduce((a, b) => a * b, 1);
        break;
      default:
        throw new TopologyError(`layer ${name}: ${l.class_name} layers are not supported by the architecture view`);
    }
    shapes.set(name, shape);
    out.push({ name, type: l.class_name, inputs, outputShape: shape, params, flops });
    prev = name;
  }
  return out;
}

export function totals(rows: ArchLayer[]): { params: number; flops: number } {
  return rows.reduce((a, r) => ({ params: a.params + r.params, flops: a.flops + r.flops }), { params: 0, flops: 0 });
}

/** The same layers as the `ModelLike` the surgery planner reads, to colour the view by strategy. */
export function asModelLike(rows: ArchLayer[]): ModelLike {
  const layers: LayerLike[] = rows.map((r) => ({ name: r.name, outputShape: r.outputShape, getClassName: () => r.type, countParams: () => r.params }));
  const byName = new Map(layers.map((l) => [l.name, l]));
  return {
    layers,
    getLayer(name: string) {
      const l = byName.get(name);
      if (!l) throw new TopologyError(`no layer ${name}`);
      return l;
    },
  };
}

export function formatShape(s: Shape): string {
  return `[${s.map((d) => (d === null ? 'N' : d)).join(',')}]`;
}
