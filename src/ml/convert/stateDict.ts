/**
 * torchvision state_dict → TF.js weights for the builders in `archs.ts`.
 * Layouts: conv OIHW → HWIO; Linear [out, in] → [in, out]; the first Linear after the
 * flatten has its input rows permuted from PyTorch's C·H·W order to TF's H·W·C order.
 */
import type * as tf from '@tensorflow/tfjs';
import { ARCHS, archSpec, type Arch, type ParamMapping } from './archs';
import type { StateDict } from './pth';

export interface NamedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

export class ConversionError extends Error {
  override name = 'ConversionError';
}

/** Expected PyTorch shape of a mapped parameter, from the TF.js kernel shape. */
function torchShape(kind: ParamMapping['kind'], tfShape: number[]): number[] {
  if (kind === 'conv') {
    const [kh, kw, i, o] = tfShape as [number, number, number, number];
    return [o, i, kh, kw];
  }
  const [i, o] = tfShape as [number, number];
  return [o, i];
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Best guess of which torchvision architecture a state_dict belongs to, for error messages. */
export function guessArch(sd: StateDict): Arch | undefined {
  if (sd.has('features.3.squeeze.weight')) return 'squeezenet1_1';
  const w0 = sd.get('features.0.weight');
  if (w0?.shape[2] === 11) return 'alexnet';
  if (sd.has('features.28.weight')) return 'vgg16';
  return undefined;
}

export function convertStateDict(arch: Arch, sd: StateDict, model: tf.LayersModel): NamedWeight[] {
  const spec = archSpec(arch);
  const out: NamedWeight[] = [];
  const guessed = guessArch(sd);
  const hint = guessed && guessed !== arch ? ` (the checkpoint looks like ${guessed}, not ${arch})` : '';
  for (const p of spec.params) {
    const layer = model.getLayer(p.layer);
    const [kernel, bias] = layer.weights;
    if (!kernel || !bias) throw new ConversionError(`layer ${p.layer} has no kernel/bias`);
    const wKey = `${p.torch}.weight`;
    const bKey = `${p.torch}.bias`;
    const w = sd.get(wKey);
    const b = sd.get(bKey);
    if (!w) throw new ConversionError(`missing key "${wKey}" for ${arch} layer ${p.layer}${hint}`);
    if (!b) throw new ConversionError(`missing key "${bKey}" for ${arch} layer ${p.layer}${hint}`);
    const expected = torchShape(p.kind, kernel.shape as number[]);
    if (!sameShape(w.shape, expected))
      throw new ConversionError(`key "${wKey}" has shape [${w.shape}], expected [${expected}] for ${arch}${hint}`);
    if (!sameShape(b.shape, [expected[0]!]))
      throw new ConversionError(`key "${bKey}" has shape [${b.shape}], expected [${expected[0]}] for ${arch}${hint}`);
    out.push({ name: kernel.originalName, shape: kernel.shape as number[], data: toTfKernel(p, w.shape, w.data) });
    out.push({ name: bias.originalName, shape: bias.shape as number[], data: b.data });
  }
  return out;
}

function toTfKernel(p: ParamMapping, shape: number[], src: Float32Array): Float32Array {
  const dst = new Float32Array(src.length);
  if (p.kind === 'conv') {
    const [o, i, kh, kw] = shape as [number, number, number, number];
    for (let a = 0; a < o; a++)
      for (let b = 0; b < i; b++)
        for (let y = 0; y < kh; y++)
          for (let x = 0; x < kw; x++) dst[((y * kw + x) * i + b) * o + a] = src[((a * i + b) * kh + y) * kw + x]!;
    return dst;
  }
  const [o, n] = shape as [number, number];
  if (p.kind === 'linear') {
    for (let a = 0; a < o; a++) for (let b = 0; b < n; b++) dst[b * o + a] = src[a * n + b]!;
    return dst;
  }
  const [c, h, w] = p.flattenChw!;
  if (c * h * w !== n) throw new ConversionError(`${p.layer}: flatten size ${c}×${h}×${w} ≠ ${n}`);
  for (let a = 0; a < o; a++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) dst[((y * w + x) * c + ch) * o + a] = src[a * n + (ch * h + y) * w + x]!;
  return dst;
}

export { ARCHS };
