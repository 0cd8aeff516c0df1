/**
 * One typed client for any of the app's workers (after excalidraw's WorkerPool<T, R>): it owns
 * the worker's life (spawn, restart, terminate, crash), numbers requests, routes each worker
 * event to its request — `result` resolves, `error` rejects, anything else is a live event.
 */
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { GpuLimits } from '../../ml/runtime/backend';

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

export class WorkerError extends Error {
  constructor(e: SerializedError) {
    super(e.message);
    this.name = e.name;
    if (e.stack) this.stack = e.stack;
  }
}

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What a worker posts back: a result, an error, or a live event for a request. */
export type ResultEvent = { type: 'result'; id: number; result: unknown } | { type: 'error'; id: number; error: SerializedError };
export type LiveOf<Ev extends { type: string; id: number }> = Exclude<Ev, { type: 'result' } | { type: 'error' }>;

/** The part of a Worker the client uses (a fake in unit tests). */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  terminate(): void;
  onmessage: ((e: MessageEvent) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
}

interface Pending<Live> {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onEvent?: (e: Live) => void;
}

/** Which requests keep the worker's cores busy, and who hears when the first starts and the last settles. */
export interface BusyWatch {
  counts: (type: string) => boolean;
  onChange: (busy: boolean) => void;
}

export class WorkerClient<Req extends { type: string; id: number }, Results extends { [K in Req['type']]: unknown }, Ev extends { type: string; id: number }> {
  private worker: WorkerLike;
  private nextId = 1;
  private pending = new Map<number, Pending<LiveOf<Ev>>>();
  private busyCount = 0;

  /** `name` goes into messages ("the model worker crashed"). */
  constructor(
    private readonly spawnWorker: () => WorkerLike,
    private readonly name: string,
    private readonly onCrash: (message: string) => void,
    private readonly busy?: BusyWatch,
  ) {
    this.worker = this.spawn();
  }

  private spawn(): WorkerLike {
    const w = this.spawnWorker();
    w.onmessage = (e: MessageEvent) => this.receive(e.data as Ev);
    w.onerror = (e: ErrorEvent) => {
      const msg = e.message ? `the ${this.name} worker crashed: ${e.message}` : `the ${this.name} worker crashed`;
      this.failAll(msg);
      this.onCrash(msg);
    };
    return w;
  }

  private receive(ev: Ev): void {
    const p = this.pending.get(ev.id);
    if (!p) return;
    const r = ev as unknown as ResultEvent | { type: string };
    if (r.type === 'result') {
      this.pending.delete(ev.id);
      p.resolve((r as Extract<ResultEvent, { type: 'result' }>).result);
    } else if (r.type === 'error') {
      this.pending.delete(ev.id);
      p.reject(new WorkerError((r as Extract<ResultEvent, { type: 'error' }>).error));
    } else p.onEvent?.(ev as LiveOf<Ev>);
  }

  private failAll(message: string): void {
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
  }

  /** Send a request; the id lets the caller cancel it. */
  start<T extends Req['type']>(
    msg: DistributiveOmit<Extract<Req, { type: T }>, 'id'>,
    opts: { onEvent?: (e: LiveOf<Ev>) => void; transfer?: Transferable[] } = {},
  ): { id: number; promise: Promise<Results[T]> } {
    const id = this.nextId++;
    const promise = new Promise<Results[T]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onEvent: opts.onEvent });
      this.worker.postMessage({ ...msg, id }, opts.transfer ?? []);
    });
    const busy = this.busy;
    if (busy?.counts(msg.type)) {
      // Every request settles: answered, failed, or rejected by a crash, restart or terminate.
      if (this.busyCount++ === 0) busy.onChange(true);
      const settle = () => {
        if (--this.busyCount === 0) busy.onChange(false);
      };
      promise.then(settle, settle);
    }
    return { id, promise };
  }

  request<T extends Req['type']>(msg: DistributiveOmit<Extract<Req, { type: T }>, 'id'>, onEvent?: (e: LiveOf<Ev>) => void, transfer: Transferable[] = []): Promise<Results[T]> {
    return this.start<T>(msg, { onEvent, transfer }).promise;
  }

  /** Kill the worker (e.g. to switch backend) and start a fresh one. */
  restart(): void {
    this.worker.terminate();
    this.failAll(`the ${this.name} worker was restarted`);
    this.worker = this.spawn();
  }

  terminate(): void {
    this.worker.terminate();
    this.failAll(`the ${this.name} worker was stopped`);
  }
}

/**
 * The WebGPU buffer limits to ask for: 'minimum' (what every adapter guarantees) when
 * localStorage holds transferlens.gpuLimits = minimum — to see on any GPU how the app runs
 * on a small one (README: Large layers on small GPUs); the adapter's otherwise.
 */
export function gpuLimits(): GpuLimits {
  try {
    return globalThis.localStorage?.getItem('transferlens.gpuLimits') === 'minimum' ? 'minimum' : 'adapter';
  } catch {
    return 'adapter';
  }
}

/** Absolute URLs of the WASM binaries, so a worker resolves them the same wherever the app is hosted. */
export function wasmPaths(): Record<string, string> {
  const abs = (u: string) => new URL(u, document.baseURI).href;
  return {
    'tfjs-backend-wasm.wasm': abs(wasmPlain),
    'tfjs-backend-wasm-simd.wasm': abs(wasmSimd),
    'tfjs-backend-wasm-threaded-simd.wasm': abs(wasmThreaded),
  };
}
