/** The sparse weight gradient (spmm on every kernel thread) and the helper threads it runs on. */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { nodeHelper } from '../../../../scripts/lib/nodeTf';
import { tfReady } from '../../../../test/tfSetup';
import { startKernelHelpers } from './gemv';
import { helpersReady, kernelThreads, setHelperSpawner, split, startHelpers, stopHelpers, type HelperSpawner } from './pool';
import { sparseRuns, SPARSE_MAX_DENSITY } from './sparse';

beforeAll(tfReady);

const backendIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();

/** aᵀ·b on WASM (ours) and on the CPU kernels, a m×k with `density` of it not zero. */
async function gradient(m: number, k: number, n: number, density: number, rank3 = false) {
  const mask = tf.tidy(() => tf.randomUniform([m, k], 0, 1, 'float32', 41).less(density).cast('float32'));
  const a = tf.tidy(() => tf.randomNormal([m, k], 0, 1, 'float32', 42).mul(mask)).dataSync();
  const b = tf.randomNormal([m, n], 0, 1, 'float32', 43).dataSync();
  mask.dispose();
  const run = () =>
    tf.tidy(() => {
      const shape = (r: number, c: number) => (rank3 ? [1, r, c] : [r, c]);
      const out = tf.matMul(tf.tensor(a, shape(m, k)), tf.tensor(b, shape(m, n)), true, false);
      return { shape: out.shape, v: Array.from(out.dataSync()) };
    });
  expect(tf.getBackend()).toBe('wasm');
  const runs = sparseRuns();
  const n0 = tf.memory().numTensors;
  const ids = backendIds();
  const ours = run();
  const ranSparse = sparseRuns() > runs;
  expect([tf.memory().numTensors, backendIds()]).toEqual([n0, ids]); // nothing left behind
  await tf.setBackend('cpu');
  const ref = run();
  await tf.setBackend('wasm');
  expect(ours.shape).toEqual(ref.shape);
  const scale = ref.v.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
  let worst = 0;
  ours.v.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - ref.v[i]!)))); // NaN fails below too
  expect(worst).toBeLessThan(1e-5 * scale);
  return ranSparse;
}

describe('sparse weight gradient aᵀ·b (a behind a ReLU: mostly zeros)', () => {
  it('runs on every WASM thread: the backend threads = 1 + the kernel helpers (2 in CI)', async () => {
    if (process.env.CI) expect(getThreadsCount()).toBeGreaterThanOrEqual(2);
    expect(await helpersReady()).toBe(getThreadsCount() - 1);
    expect(kernelThreads()).toBe(getThreadsCount());
  });

  it('matches the CPU kernel at 30 % and 55 % non-zeros, rank 2 and 3, n not a multiple of 32 (tail blocks of 4)', async () => {
    expect(await gradient(48, 1100, 1000, 0.3)).toBe(true);
    expect(await gradient(40, 1040, 1024, 0.55, true)).toBe(true);
    expect(await gradient(7, 1500, 708, 0.3)).toBe(true); // a short batch, 708 = 22·32 + 4: one tail block
  });

  it('leaves a mostly non-zero a to XNNPACK (same values)', async () => {
    expect(await gradient(40, 1100, 1000, Math.min(1, SPARSE_MAX_DENSITY + 0.2))).toBe(false);
  });

  it('all-zero rows and columns of a give zero rows', async () => {
    expect(await gradient(32, 1100, 1000, 0.02)).toBe(true);
  });

  it('gives the same values on one thread (helpers stopped) and on two', async (ctx) => {
    if (getThreadsCount() < 2) ctx.skip(); // one WASM thread here: no helper to test
    stopHelpers();
    expect(kernelThreads()).toBe(1);
    expect(await gradient(48, 1100, 1000, 0.3)).toBe(true);
    await startKernelHelpers(tf.backend(), getThreadsCount() - 1);
    expect(kernelThreads()).toBe(getThreadsCount());
  });
});

describe('kernel helper threads', () => {
  afterAll(async () => {
    setHelperSpawner(nodeHelper);
    await startKernelHelpers(tf.backend(), getThreadsCount() - 1);
  });

  const memory = () => (tf.backend() as unknown as { wasm: { wasmMemory: WebAssembly.Memory } }).wasm.wasmMemory;
  const module = () => new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));

  it('a spawner that fails, or a helper that never says ready, leaves one thread that does all the work', async () => {
    setHelperSpawner(() => {
      throw new Error('no workers here');
    });
    expect(await startKernelHelpers(tf.backend(), 1)).toBe(0);
    expect(kernelThreads()).toBe(1);
    const silent: HelperSpawner = () => ({ postMessage: () => {}, onMessage: () => {}, terminate: () => {} });
    setHelperSpawner(silent);
    expect(await startHelpers(1, memory(), module(), [], 50)).toBe(0);
    const ran: number[][] = [];
    split('spmm', memory(), [[1], [2], [3]], (p) => ran.push(p));
    expect(ran).toEqual([[1], [2], [3]]);
  });

  it('a helper that takes a part and never answers: its part runs here after the deadline, and the helpers are let go', async (ctx) => {
    if (getThreadsCount() < 2) ctx.skip(); // one WASM thread here: no helper to test
    // Says ready, then never looks at its control block.
    const stuck: HelperSpawner = () => {
      let listener: (m: unknown) => void = () => {};
      return { postMessage: () => setTimeout(() => listener({ ready: true }), 0), onMessage: (l) => (listener = l), terminate: () => {} };
    };
    setHelperSpawner(stuck);
    expect(await startHelpers(1, memory(), module(), ['k'], 1000)).toBe(1);
    const ran: number[][] = [];
    split('k', memory(), [[1], [2]], (p) => ran.push(p));
    expect(ran).toEqual([[1], [2]]);
    expect(kernelThreads()).toBe(1);
  });

  it('a start overtaken by a later one (or a stop) lets its workers go', async (ctx) => {
    if (getThreadsCount() < 2) ctx.skip(); // one WASM thread here: no helper to test
    setHelperSpawner(nodeHelper);
    const first = startKernelHelpers(tf.backend(), 1);
    stopHelpers();
    expect(await first).toBe(0);
    expect(kernelThreads()).toBe(1);
  });
});
