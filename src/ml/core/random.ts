/** A seeded PRNG whose state can be checkpointed, and Gaussian draws from it: shuffles, init, dropout, random weights. */

/**
 * A PRNG whose state can be read and set (to checkpoint and resume a run exactly). Always
 * mulberry32 (`kind`): dropoutInPlace steps its state itself rather than calling it.
 */
export type Rand = (() => number) & { state: number; readonly kind: 'mulberry32' };

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
  Object.defineProperty(next, 'kind', { value: 'mulberry32' });
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

/** Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 by the usual boost. Uses only `rand` (no hidden state). */
export function gammaDraw(rand: () => number, shape: number): number {
  if (shape < 1) {
    let u = 0;
    while (u === 0) u = rand();
    return gammaDraw(rand, shape + 1) * u ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  const normal = gaussian(rand);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rand();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) from two gamma draws: mixup's blend weight λ ~ Beta(α, α). */
export function betaDraw(rand: () => number, a: number, b: number): number {
  const x = gammaDraw(rand, a);
  const y = gammaDraw(rand, b);
  return x / (x + y);
}

/**
 * An inverted-dropout mask of n entries: each kept with probability ≈ keep (to 1/256) and then
 * worth 1/keep', where keep' is the probability really used, so the mask's mean is exactly 1 in
 * expectation. Four entries per draw from `rand` (one byte each): a fc7-sized mask per batch
 * costs a quarter of a draw per entry (the training loop spent half a warm fc8 run drawing them).
 */
export function dropoutMask(rand: Rand, n: number, keep: number): Float32Array {
  const m = new Float32Array(n).fill(1);
  dropoutInPlace(rand, m, keep);
  return m;
}

/**
 * data × dropoutMask(rand, data.length, keep), in place, drawing exactly what dropoutMask would
 * (same entries from the same draws): the training loop applies the first layer's dropout while
 * it copies a batch of cached features, instead of uploading a mask and multiplying on the
 * backend (a warm fc8 run: 260 masks of 2 MB). A dropped entry is +0.
 */
export function dropoutInPlace(rand: Rand, data: Float32Array, keep: number): void {
  const level = Math.min(256, Math.max(1, Math.round(keep * 256)));
  const value = Math.fround(256 / level);
  const n = data.length;
  // Branch-free: scale every entry, and AND its bits with (byte − level) >> 31, which is −1
  // (all ones) when the byte is below `level` and 0 otherwise (a random branch mispredicts half
  // the time). The product is rounded to float32 exactly as the backend's multiply rounds it.
  const u = new Uint32Array(data.buffer, data.byteOffset, n);
  const whole = n - (n % 4);
  // mulberry32 stepped here rather than called through `rand`: the same draws (rand() × 2³², which
  // is exact), without the call and the division (calling it was 1 s of a 2.3 s warm fc8 run).
  let a = rand.state;
  const draw = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  for (let k = 0; k < whole; k += 4) {
    const r = draw();
    data[k] = data[k]! * value;
    data[k + 1] = data[k + 1]! * value;
    data[k + 2] = data[k + 2]! * value;
    data[k + 3] = data[k + 3]! * value;
    u[k]! &= ((r & 255) - level) >> 31;
    u[k + 1]! &= (((r >>> 8) & 255) - level) >> 31;
    u[k + 2]! &= (((r >>> 16) & 255) - level) >> 31;
    u[k + 3]! &= ((r >>> 24) - level) >> 31;
  }
  for (let k = whole; k < n; k++) {
    data[k] = data[k]! * value;
    u[k]! &= ((draw() & 255) - level) >> 31;
  }
  rand.state = a;
}
