/**
 * The hardware in every benchmark: the CPU (model, SIMD flags, cores) and the WASM SIMD128 peak
 * of this machine, measured with an FMA-bound kernel (independent f32x4 mul and add chains, as
 * many as fit in 16 xmm registers) on 1 and on N threads at once. Each mul or add counts 4 FLOP;
 * workloads report their attained GFLOP/s as a share of this peak for the threads they used.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import wabtInit from 'wabt';

export interface CpuInfo {
  model: string;
  cores: number;
  mhz: number | null;
  /** The SIMD flags that decide native and WASM speed. */
  flags: string[];
}

export function cpuInfo(): CpuInfo {
  let text = '';
  try {
    text = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    /* not Linux */
  }
  const flags = new Set((/^flags\s*:\s*(.*)$/m.exec(text)?.[1] ?? '').split(/\s+/));
  const mhz = Number(/^cpu MHz\s*:\s*([\d.]+)/m.exec(text)?.[1]);
  return {
    model: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    mhz: Number.isFinite(mhz) ? mhz : null,
    flags: ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f', 'avx512_vnni', 'amx_tile'].filter((f) => flags.has(f)),
  };
}

const CHAINS = 7; // 7 mul chains + 7 add chains + 2 constants = 16 registers
/** Loop body repeats: the loop's own counter, branch and interrupt check stop mattering. */
const UNROLL = 8;
/** FLOP per loop iteration: 2 × CHAINS f32x4 operations × 4 lanes. */
export const FLOP_PER_ITER = 2 * CHAINS * 4 * UNROLL;

function wat(): string {
  const locals = Array.from({ length: CHAINS }, (_, i) => `(local $m${i} v128) (local $a${i} v128)`).join(' ');
  const init = Array.from({ length: CHAINS }, (_, i) => `(local.set $m${i} (f32x4.splat (f32.const 1.0${i}))) (local.set $a${i} (f32x4.splat (f32.const ${i}.5)))`).join('\n');
  // Multiplying by exactly 1 and adding a tiny constant: no overflow, no denormals, nothing to fold away.
  const body = Array.from({ length: CHAINS * UNROLL }, (_, k) => k % CHAINS).map((i) => `(local.set $m${i} (f32x4.mul (local.get $m${i}) (local.get $one))) (local.set $a${i} (f32x4.add (local.get $a${i}) (local.get $eps)))`).join('\n');
  const sum = Array.from({ length: CHAINS }, (_, i) => `(f32x4.add (local.get $m${i}) (local.get $a${i}))`).reduce((acc, t) => `(f32x4.add ${acc} ${t})`);
  return `(module (func (export "run") (param $n i32) (result f32) (local $one v128) (local $eps v128) ${locals}
    (local.set $one (f32x4.splat (f32.const 1))) (local.set $eps (f32x4.splat (f32.const 1e-7)))
    ${init}
    (block $done (loop $l (br_if $done (i32.eqz (local.get $n)))
      ${body}
      (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br $l)))
    (f32x4.extract_lane 0 ${sum})))`;
}

export async function peakModule(): Promise<Uint8Array<ArrayBuffer>> {
  const wabt = await wabtInit();
  const mod = wabt.parseWat('peak.wat', wat(), { simd: true });
  try {
    return new Uint8Array(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

/** Runs the kernel in `threads` worker threads at once; GFLOP/s summed over them (best of 3 rounds). */
export async function wasmSimdPeak(threads: number, iters = 5_000_000): Promise<number> {
  const bytes = await peakModule();
  const code = `const { parentPort, workerData } = require('node:worker_threads');
    const inst = new WebAssembly.Instance(new WebAssembly.Module(workerData.bytes));
    inst.exports.run(1e6); // warm: the optimising tier
    parentPort.on('message', (n) => { const t = performance.now(); const r = inst.exports.run(n); parentPort.postMessage({ ms: performance.now() - t, r }); });`;
  const workers = Array.from({ length: threads }, () => new Worker(code, { eval: true, workerData: { bytes } }));
  const round = () =>
    Promise.all(workers.map((w) => new Promise<number>((res) => (w.once('message', (m: { ms: number }) => res(m.ms)), w.postMessage(iters)))));
  try {
    let best = 0;
    for (let k = 0; k < 3; k++) {
      const ms = Math.max(...(await round()));
      best = Math.max(best, (threads * iters * FLOP_PER_ITER) / (ms / 1000) / 1e9);
    }
    return best;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(cpuInfo());
  for (const t of [1, cpus().length]) console.log(`WASM SIMD128 peak, ${t} thread(s): ${(await wasmSimdPeak(t)).toFixed(1)} GFLOP/s`);
}
