/**
 * How many WebAssembly threads each worker's backend asks for.
 *
 * The model worker (saliency maps, predictions: a student is waiting) and the training worker
 * each own a separate WASM module with its own pthread pool, fixed when the backend starts. A
 * training run and a map can run at the same time (a run keeps going while the student opens
 * the saliency lesson), and two pools of N threads on N cores would make every parallel op
 * wait for a descheduled thread. So the pools split the cores: the model worker gets
 * max(2, half the cores) (tfjs' own default is half, which on a 2-core laptop is 1 and leaves the
 * second core idle), the training worker what is left, and at least its own thread (1 = no extra
 * thread, as before threads). On 2 cores: 2 and 1; on 4: 2 and 2; on 8: 4 and 4.
 * Threads need cross-origin isolation; without it the backend runs one thread whatever is asked.
 */
export type WasmRole = 'model' | 'train';

export function wasmThreadBudget(cores: number, role: WasmRole): number {
  const n = Number.isFinite(cores) && cores >= 1 ? Math.floor(cores) : 1;
  const model = Math.min(n, Math.max(2, Math.floor(n / 2)));
  return role === 'model' ? model : Math.max(1, n - model);
}

/** The budget for this worker, from `navigator.hardwareConcurrency` (1 where it is unknown). */
export function wasmThreadsHere(role: WasmRole): number {
  const cores = (globalThis.navigator as { hardwareConcurrency?: number } | undefined)?.hardwareConcurrency ?? 1;
  return wasmThreadBudget(cores, role);
}
