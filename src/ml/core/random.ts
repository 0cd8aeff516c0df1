/** A seeded PRNG whose state can be checkpointed, and Gaussian draws from it: shuffles, init, dropout, random weights. */

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
