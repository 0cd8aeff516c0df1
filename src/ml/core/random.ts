/** Seeded random weights in torchvision's state_dict layout, for tests and benchmarks. */
import type * as tf from '@tensorflow/tfjs';
import { archSpec, type Arch } from '../convert/archs';
import type { StateDict } from '../convert/pth';

/** A PRNG whose state can be read and set (to checkpoint and resume a run exactly). */
export type Rand = (() => number) & { state: number };

/** mulberry32: small, fast, good enough for weight init and data shuffles. */
export function mulberry32(seed: number): Rand {
  let a = seed >>> 0;
  const next = (() => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }) as Rand;
  Object.defineProperty(next, 'state', {
    get: () => a,
    set: (v: number) => {
      a = v >>> 0;
    },
  });
  return next;
}

export function gaussian(rand: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = rand();
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

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
