/** The peak kernel computes what it claims (so its FLOP count is honest) and the CPU description is read. */
import { expect, it } from 'vitest';
import { cpuInfo, FLOP_PER_ITER, peakModule, wasmSimdPeak } from './peak';

it('the kernel runs its mul and add chains: the result follows from the iteration count', async () => {
  const inst = new WebAssembly.Instance(new WebAssembly.Module(await peakModule()));
  const run = inst.exports.run as (n: number) => number;
  // Σ_i (1.0i × 1^k) + (i.5 + k·1e-7) over 7 chains; k = iterations × unroll; no iterations: the start values.
  const base = run(0);
  expect(base).toBeCloseTo([0, 1, 2, 3, 4, 5, 6].reduce((s, i) => s + Number(`1.0${i}`) + i + 0.5, 0), 4);
  // The add chains accumulate (float32 rounding eats most of 1e-7 on the larger chains, not all of it).
  expect(run(10_000)).toBeGreaterThan(base);
  expect(FLOP_PER_ITER % 56).toBe(0);
});

it('reports a positive peak and the CPU model', async () => {
  expect(await wasmSimdPeak(1, 200_000)).toBeGreaterThan(0.5);
  expect(cpuInfo().cores).toBeGreaterThan(0);
});
