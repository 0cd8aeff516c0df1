/**
 * How many WebAssembly threads each worker's backend asks for, and whether training must give
 * way to the model worker.
 *
 * The model worker (saliency maps, predictions: a student is waiting) and the training worker
 * each own a separate WASM module with its own pthread pool, fixed when the backend starts. A
 * training run and a map can run at the same time (a run keeps going while the student opens
 * the saliency lesson), and two pools of N threads on N cores would make every parallel op
 * wait for a descheduled thread. The model worker gets max(2, half the cores) (tfjs' own default
 * is half, which on a 2-core laptop is 1 and leaves the second core idle) and the training
 * worker the rest, but at least two threads where there are two cores: a pool cannot resize
 * after it starts, and a 2-core laptop would otherwise train on one core all the time to leave
 * room for maps it computes now and then. Where the two pools then ask for more threads than
 * there are cores (2 cores: 2 + 2; 3 cores: 2 + 2), training yields: it waits between batches
 * while the model worker computes (`yieldsToModel`), so the two pools never run side by side
 * for longer than one batch. On 4 cores: 2 and 2; on 8: 4 and 4, no yielding.
 * Threads need cross-origin isolation; without it the backend runs one thread whatever is asked.
 */
export type WasmRole = 'model' | 'train';

export interface WasmThreadPlan {
  model: number;
  train: number;
  /** The two budgets ask for more threads than there are cores: training waits while the model worker computes. */
  yieldsToModel: boolean;
}

export function wasmThreadPlan(cores: number): WasmThreadPlan {
  const n = Number.isFinite(cores) && cores >= 1 ? Math.floor(cores) : 1;
  const model = Math.min(n, Math.max(2, Math.floor(n / 2)));
  const train = Math.max(Math.min(2, n), n - model);
  return { model, train, yieldsToModel: model + train > n };
}

export function wasmThreadBudget(cores: number, role: WasmRole): number {
  return wasmThreadPlan(cores)[role];
}

/** The cores this worker sees (`navigator.hardwareConcurrency`; 1 where it is unknown). */
export function coresHere(): number {
  return (globalThis.navigator as { hardwareConcurrency?: number } | undefined)?.hardwareConcurrency ?? 1;
}

/** The budget for this worker. */
export function wasmThreadsHere(role: WasmRole): number {
  return wasmThreadBudget(coresHere(), role);
}
