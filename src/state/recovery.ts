/** When a backend fails: which errors are worth another backend, and which one comes next. */
import type { BackendName } from '../ml/core/vocab';

export const BACKEND_FALLBACK: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** A lost GPU device or context, an exhausted backend, or a crashed worker: worth another backend. */
export function isRecoverable(e: unknown): boolean {
  const m = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  // Chrome reports a dropped WebGPU instance as "A valid external Instance reference no longer exists".
  return /DeviceLost|context (was )?lost|device (was )?lost|CONTEXT_LOST|out of memory|\bOOM\b|failed to allocate|worker crashed|Instance reference no longer exists|GPUDevice|GPUBuffer/i.test(m);
}

/** The backends after `from` in the fallback order (all of them when unknown). */
export function backendsAfter(from: BackendName | null | undefined): BackendName[] {
  return BACKEND_FALLBACK.slice(from ? BACKEND_FALLBACK.indexOf(from) + 1 : 0);
}
