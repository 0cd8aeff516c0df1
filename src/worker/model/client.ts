/** Owns the model worker's life: start, typed requests, progress, errors, terminate. */
import type { BackendChoice, Request, RequestType, ResultMap, SerializedError, WorkerEvent } from './protocol';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export class WorkerError extends Error {
  constructor(e: SerializedError) {
    super(e.message);
    this.name = e.name;
    if (e.stack) this.stack = e.stack;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type Progress = (loaded: number, total: number, phase: string) => void;
export type FrameEvent = Extract<WorkerEvent, { type: 'frame' }>;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onProgress?: Progress;
  onFrame?: (f: FrameEvent) => void;
}

/** Absolute URLs, so the worker resolves them the same wherever the app is hosted. */
export function wasmPaths(): Record<string, string> {
  const abs = (u: string) => new URL(u, document.baseURI).href;
  return {
    'tfjs-backend-wasm.wasm': abs(wasmPlain),
    'tfjs-backend-wasm-simd.wasm': abs(wasmSimd),
    'tfjs-backend-wasm-threaded-simd.wasm': abs(wasmThreaded),
  };
}

export class ModelClient {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, Pending>();

  constructor(private onCrash: (message: string) => void) {
    this.worker = this.spawn();
  }

  private spawn(): Worker {
    const w = new Worker(new URL('./model.worker.ts', import.meta.url), { type: 'module', name: 'model' });
    w.onmessage = (e: MessageEvent<WorkerEvent>) => this.receive(e.data);
    w.onerror = (e) => {
      const msg = e.message || 'the model worker crashed';
      this.failAll(msg);
      this.onCrash(msg);
    };
    return w;
  }

  private receive(ev: WorkerEvent): void {
    const p = this.pending.get(ev.id);
    if (!p) return;
    if (ev.type === 'progress') p.onProgress?.(ev.loaded, ev.total, ev.phase);
    else if (ev.type === 'frame') p.onFrame?.(ev);
    else {
      this.pending.delete(ev.id);
      if (ev.type === 'result') p.resolve(ev.result);
      else p.reject(new WorkerError(ev.error));
    }
  }

  private failAll(message: string): void {
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
  }

  request<T extends RequestType>(msg: DistributiveOmit<Extract<Request, { type: T }>, 'id'>, onProgress?: Progress, transfer: Transferable[] = []): Promise<ResultMap[T]> {
    return this.start<T>(msg, { onProgress, transfer }).promise;
  }

  /** Like `request`, but also returns the id so the work can be cancelled. */
  start<T extends RequestType>(
    msg: DistributiveOmit<Extract<Request, { type: T }>, 'id'>,
    opts: { onProgress?: Progress; onFrame?: (f: FrameEvent) => void; transfer?: Transferable[] } = {},
  ): { id: number; promise: Promise<ResultMap[T]> } {
    const id = this.nextId++;
    const promise = new Promise<ResultMap[T]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress: opts.onProgress, onFrame: opts.onFrame });
      this.worker.postMessage({ ...msg, id }, opts.transfer ?? []);
    });
    return { id, promise };
  }

  cancel(target: number): void {
    void this.request<'cancel'>({ type: 'cancel', target }).catch(() => {});
  }

  init(backend: BackendChoice) {
    return this.request<'init'>({ type: 'init', backend, wasmPaths: wasmPaths() });
  }

  /** Kill the worker (e.g. to switch backend) and start a fresh one. */
  restart(): void {
    this.worker.terminate();
    this.failAll('the model worker was restarted');
    this.worker = this.spawn();
  }

  terminate(): void {
    this.worker.terminate();
    this.failAll('the model worker was stopped');
  }
}
