/**
 * Model artifacts in the TF.js layers format: weight encoding (float32, float16,
 * uint8 affine quantization, as TF.js's manifest `quantization` describes — each weight its
 * own, so a uint8 file mixes uint8 and float16 and stays plain TF.js), shards of
 * at most 4 MB, and the model.json document.
 */
import type * as tf from '@tensorflow/tfjs';
import type { NamedWeight } from './stateDict';
import { equalizeChannels } from './equalize';
import { metadataBlock, type ModelMeta } from '../core/metadata';

export type Quantize = 'none' | 'float16' | 'uint8';
export const QUANTIZE_MODES: readonly Quantize[] = ['none', 'float16', 'uint8'];
export const SHARD_BYTES = 4 * 1024 * 1024;

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: { dtype: 'float16' } | { dtype: 'uint8'; scale: number; min: number };
}

export interface ModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: string;
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  userDefinedMetadata: { transferlens: ModelMeta };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE float32 → float16 bits, round to nearest even (what numpy's astype(float16) does). */
export function floatToHalf(v: number): number {
  f32[0] = v;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
  return sign | h;
}

export interface EncodedWeights {
  specs: WeightSpec[];
  data: Uint8Array;
}

/**
 * How a uint8 file stores each weight (given their element counts): uint8 for the largest tensors, until they hold at least
 * half of the model's weights, float16 for the rest. Rounding error adds up layer by layer and
 * every rounded tensor adds about as much as any other, while the bytes saved go with its size:
 * the largest first buys the most bytes for the least error. Measured (top-1 = float32, 200
 * WikiArt paintings): random-weight VGG16 all-uint8 93 % → fc6 alone uint8 98 % (its 13
 * convolutions as uint8: 95 %); AlexNet 94 % → 98.5 %; real-weight SqueezeNet 91 % → 96 %
 * (conv10 alone). VGG16 and AlexNet: fc6 alone (74 % and 62 % of their weights).
 */
export function uint8Plan(sizes: readonly number[]): Quantize[] {
  const total = sizes.reduce((a, n) => a + n, 0);
  const plan: Quantize[] = sizes.map(() => 'float16');
  const bySize = sizes.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  let covered = 0;
  for (const i of bySize) {
    if (covered * 2 >= total) break;
    plan[i] = 'uint8';
    covered += sizes[i]!;
  }
  return plan;
}

/** The file's format, as the app labels it: uint8 where any weight is uint8, else float16 where any is. */
export function quantizeOf(specs: readonly { quantization?: { dtype: string } }[]): Quantize {
  const kinds = new Set(specs.map((s) => s.quantization?.dtype));
  return kinds.has('uint8') ? 'uint8' : kinds.has('float16') ? 'float16' : 'none';
}

/** The formats of a file's weights, as the CLIs report them ("uint8: fc6/kernel; float16: the other 31 weights"). */
export function describeFormats(files: ModelFiles): string {
  const specs = files.modelJson.weightsManifest.flatMap((g) => g.weights);
  const u8 = specs.filter((s) => s.quantization?.dtype === 'uint8').map((s) => s.name);
  if (u8.length === 0 || u8.length === specs.length) return quantizeOf(specs);
  return `uint8: ${u8.join(', ')}; float16: the other ${specs.length - u8.length} weights`;
}

const BYTES_PER: Record<Quantize, number> = { none: 4, float16: 2, uint8: 1 };

/** The weights as one buffer: all in one format, or each in its own (`uint8Plan`'s mix). */
export function encodeWeights(weights: NamedWeight[], quantize: Quantize | readonly Quantize[]): EncodedWeights {
  const modeOf = (i: number): Quantize => (typeof quantize === 'string' ? quantize : quantize[i]!);
  const total = weights.reduce((a, w, i) => a + w.data.length * BYTES_PER[modeOf(i)], 0);
  const data = new Uint8Array(total);
  const specs: WeightSpec[] = [];
  let off = 0;
  for (const [k, w] of weights.entries()) {
    const n = w.data.length;
    const mode = modeOf(k);
    const spec: WeightSpec = { name: w.name, shape: w.shape, dtype: 'float32' };
    if (mode === 'none') {
      data.set(new Uint8Array(w.data.buffer, w.data.byteOffset, n * 4), off);
    } else if (mode === 'float16') {
      const view = new DataView(data.buffer, off, n * 2);
      for (let i = 0; i < n; i++) view.setUint16(i * 2, floatToHalf(w.data[i]!), true);
      spec.quantization = { dtype: 'float16' };
    } else {
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < n; i++) {
        const v = w.data[i]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (!Number.isFinite(min)) min = max = 0;
      const scale = max > min ? (max - min) / 255 : 1;
      for (let i = 0; i < n; i++) data[off + i] = Math.max(0, Math.min(255, Math.round((w.data[i]! - min) / scale)));
      spec.quantization = { dtype: 'uint8', scale, min };
    }
    specs.push(spec);
    off += n * BYTES_PER[mode];
  }
  return { specs, data };
}

export function shardNames(byteLength: number, maxBytes = SHARD_BYTES): string[] {
  const n = Math.max(1, Math.ceil(byteLength / maxBytes));
  return Array.from({ length: n }, (_, i) => `group1-shard${i + 1}of${n}.bin`);
}

export function splitShards(data: Uint8Array, maxBytes = SHARD_BYTES): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let off = 0; off < data.length; off += maxBytes) out.push(data.subarray(off, Math.min(off + maxBytes, data.length)));
  if (out.length === 0) out.push(new Uint8Array(0));
  return out;
}

export interface ModelFiles {
  modelJson: ModelJson;
  shards: { name: string; bytes: Uint8Array }[];
}

export function buildModelFiles(model: tf.LayersModel, weights: NamedWeight[], meta: ModelMeta, quantize: Quantize): ModelFiles {
  // Keep the manifest in the model's own weight order, which is what TF.js expects to find.
  // uint8: even out the channel ranges first (same function, finer steps; on copies, the caller's arrays stay),
  // then uint8 for the largest tensors and float16 for the rest (uint8Plan).
  if (quantize === 'uint8') {
    weights = weights.map((w) => ({ ...w, data: w.data.slice() }));
    equalizeChannels(model, weights);
  }
  const byName = new Map(weights.map((w) => [w.name, w]));
  const ordered = model.weights.map((v) => {
    const w = byName.get(v.originalName);
    if (!w) throw new Error(`no converted value for weight ${v.originalName}`);
    if (w.shape.join() !== v.shape.join()) throw new Error(`weight ${v.originalName}: shape [${w.shape}] ≠ [${v.shape}]`);
    return w;
  });
  const { specs, data } = encodeWeights(ordered, quantize === 'uint8' ? uint8Plan(ordered.map((w) => w.data.length)) : quantize);
  const names = shardNames(data.length);
  const shards = splitShards(data).map((bytes, i) => ({ name: names[i]!, bytes }));
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: 'TransferLens',
      convertedBy: 'TransferLens converter (torchvision → TF.js layers)',
      modelTopology: model.toJSON(undefined, false),
      weightsManifest: [{ paths: names, weights: specs }],
      userDefinedMetadata: metadataBlock(meta),
    },
    shards,
  };
}

/** In-memory artifacts for `tf.io.fromMemory`, e.g. to load freshly converted files without disk. */
export function toArtifacts(files: ModelFiles): tf.io.ModelArtifacts {
  const total = files.shards.reduce((a, s) => a + s.bytes.length, 0);
  const data = new Uint8Array(total);
  let off = 0;
  for (const s of files.shards) {
    data.set(s.bytes, off);
    off += s.bytes.length;
  }
  return {
    modelTopology: files.modelJson.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: files.modelJson.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
    weightData: data.buffer,
    userDefinedMetadata: files.modelJson.userDefinedMetadata as unknown as tf.io.ModelArtifacts['userDefinedMetadata'],
    format: files.modelJson.format,
    generatedBy: files.modelJson.generatedBy,
    convertedBy: files.modelJson.convertedBy,
  };
}
