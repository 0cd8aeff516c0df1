/** Owns the training worker: typed requests, live events, pause/stop that bypass the queue. */
import type { BackendChoice } from '../model/protocol';
import type { TrainEvent, TrainRequest, TrainResultMap } from './protocol';
import { wasmPaths, WorkerError } from '../model/client';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type LiveEvent = Exclude<TrainEvent, { type: 'result' } | { type: 'error' }>;

export class TrainClient {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; onEvent?: (e: LiveEvent) => void }>();

  constructor(onCrash: (message: string) => void) {
    this.worker = new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'train' });
    this.worker.onmessage = (e: MessageEvent<TrainEvent>) => {
      const ev = e.data;
      const p = this.pending.get(ev.id);
      if (!p) return;
      if (ev.type === 'result') {
        this.pending.delete(ev.id);
        p.resolve(ev.result);
      } else if (ev.type === 'error') {
        this.pending.delete(ev.id);
        p.reject(new WorkerError(ev.error));
      } else p.onEvent?.(ev);
    };
    this.worker.onerror = (e) => {
      for (const p of this.pending.values()) p.reject(new Error(`the training worker crashed${e.message ? `: ${e.message}` : ''}`));
      this.pending.clear();
      onCrash(e.message || 'the training worker crashed');
    };
  }

  request<T extends TrainRequest['type']>(msg: DistributiveOmit<Extract<TrainRequest, { type: T }>, 'id'>, onEvent?: (e: LiveEvent) => void): Promise<TrainResultMap[T]> {
    const id = this.nextId++;
    return new Promise<TrainResultMap[T]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onEvent });
      this.worker.postMessage({ ...msg, id });
    });
  }

  init(backend: BackendChoice) {
    return this.request<'init'>({ type: 'init', backend, wasmPaths: wasmPaths() });
  }

  terminate(): void {
    this.worker.terminate();
  }
}
