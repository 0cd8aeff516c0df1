/** Seeded random weights in torchvision's state_dict layout, for tests and benchmarks. */
import type * as tf from '@tensorflow/tfjs';
import { gaussian, mulberry32 } from '../core/random';
import { archSpec, type Arch } from './archs';
import type { StateDict } from './pth';

/**
 * He-normal weights (std √(2/fan_in)) keep activations at a stable scale through the
 * ReLU stack, so random-weight logits are spread out and gradients are non-degenerate.
 * Biases get a small positive value so ReLUs are not dead at init.
 */
export function randomStateDict(arch: Arch, seed: number, model: tf.LayersModel): StateDict {
  const spec = archSpec(arch);
  const randn = gaussian(mulberry32(seed));
  const sd: StateDict = new Map();
  for (const p of spec.params) {
    const kernel = model.getLayer(p.layer).weights[0]!;
    const s = kernel.shape as number[];
    const torchShape = p.kind === 'conv' ? [s[3]!, s[2]!, s[0]!, s[1]!] : [s[1]!, s[0]!];
    const numel = torchShape.reduce((a, b) => a * b, 1);
    const fanIn = numel / torchShape[0]!;
    const std = Math.sqrt(2 / fanIn);
    const w = new Float32Array(numel);
    for (let i = 0; i < numel; i++) w[i] = randn() * std;
    const b = new Float32Array(torchShape[0]!);
    for (let i = 0; i < b.length; i++) b[i] = 0.01 + 0.01 * randn();
    sd.set(`${p.torch}.weight`, { shape: torchShape, data: w, dtype: 'float32' });
    sd.set(`${p.torch}.bias`, { shape: [torchShape[0]!], data: b, dtype: 'float32' });
  }
  return sd;
}
