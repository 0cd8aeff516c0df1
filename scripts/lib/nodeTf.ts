/**
 * TF.js in Node: WASM backend (tfjs-node cannot install here), CPU as the fallback, and the WASM
 * backend's threads in Node (min(2, cores) by default, TFJS_WASM_THREADS=n to choose).
 *
 * Threads in Node need three things tfjs-backend-wasm 4.22 does not do by itself:
 * - WASM_HAS_MULTITHREAD_SUPPORT evaluates false in Node; set here (a public flag) rather
 *   than patched, and only when more than one thread is asked for, so TFJS_WASM_THREADS=1 loads
 *   the plain SIMD binary exactly as before.
 * - Node's worker_threads refuse the blob: URL the Emscripten glue builds for its workers: the
 *   patch in patches/ (applied by `npm install`) gives them files. Without it we stay at 1 thread.
 * - The C++ side caps the pool at os.cpus().length / 2 (it assumes two hyper-threads per core):
 *   1 on a 2-core machine. As in the browser (backend.ts, liftingCoreCap), the core count is
 *   doubled while the backend starts, so the threads asked for decide.
 * - The glue refs a worker while it runs a pthread (so Node waits for it), and XNNPACK's pool
 *   threads run until the backend is disposed: a CLI would never exit. Those threads only work
 *   while the main thread waits in a kernel, so nothing is lost by unref'ing them (unrefPool).
 * Our own kernels' helper threads (wasm/pool.ts) are Node workers here, unref'd for the same reason.
 */
import os from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { setHelperSpawner, type HelperPort } from '../../src/ml/runtime/wasm/pool';
import { selectBackend, type BackendInfo } from '../../src/ml/runtime/backend';
import { isBackendName } from '../../src/ml/core/vocab';

/** The threads asked for: TFJS_WASM_THREADS (a whole number ≥ 1) if set, else min(2, cores). */
export function nodeWasmThreads(env: NodeJS.ProcessEnv = process.env, cores = os.availableParallelism()): number {
  const raw = env.TFJS_WASM_THREADS?.trim();
  if (raw) {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`TFJS_WASM_THREADS must be a whole number ≥ 1 (got '${raw}')`);
    return n;
  }
  return Math.max(1, Math.min(2, cores));
}

/** The Node bundle of tfjs-backend-wasm and the worker file our patch adds beside it. */
export function wasmNodeBundle(): { bundle: string; worker: string } {
  const bundle = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  return { bundle, worker: join(dirname(bundle), 'node-pthread-worker.cjs') };
}

/** Whether patches/@tensorflow+tfjs-backend-wasm+*.patch is applied in node_modules. */
export function wasmThreadsPatched(): boolean {
  const { bundle, worker } = wasmNodeBundle();
  return existsSync(worker) && readFileSync(bundle, 'utf8').includes("'node-pthread-worker.cjs'");
}

async function liftingNodeCoreCap<T>(threads: number, start: () => Promise<T>): Promise<T> {
  if (threads <= 1) return start();
  const cpus = os.cpus;
  os.cpus = () => [...cpus(), ...cpus()];
  try {
    return await start();
  } finally {
    os.cpus = cpus;
  }
}

interface NodePThreads {
  runningWorkers: { unref(): void }[];
}

/** Lets the process exit with XNNPACK's pool threads idle (see above). Returns how many it let go. */
function unrefPool(): number {
  if (tf.getBackend() !== 'wasm') return 0;
  const pthreads = (tf.backend() as unknown as { wasm?: { PThread?: NodePThreads } }).wasm?.PThread;
  for (const w of pthreads?.runningWorkers ?? []) w.unref();
  return pthreads?.runningWorkers.length ?? 0;
}

/** Our kernels' helper threads (src/ml/runtime/wasm/pool.ts) as Node workers, unref'd like XNNPACK's. */
export function nodeHelper(code: string): HelperPort {
  const w = new Worker(code, { eval: true });
  w.unref();
  return {
    postMessage: (m) => w.postMessage(m),
    onMessage: (l) => {
      w.on('message', l);
      w.unref(); // a listener refs the worker again
    },
    terminate: () => void w.terminate(),
  };
}

export async function initNodeBackend(): Promise<BackendInfo> {
  const forced = process.env.TFJS_BACKEND;
  const order = forced && isBackendName(forced) ? [forced] : (['wasm', 'cpu'] as const);
  let threads = nodeWasmThreads();
  if (threads > 1 && !wasmThreadsPatched()) {
    process.stderr.write('warning: tfjs-backend-wasm is not patched for threads in Node (run `npm install`): 1 WASM thread\n');
    threads = 1;
  }
  if (threads > 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setHelperSpawner(nodeHelper);
  const info = await liftingNodeCoreCap(threads, () => selectBackend(order, { wasmThreads: threads }));
  if (threads > 1) unrefPool();
  return info;
}
