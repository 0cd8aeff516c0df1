/** The model worker's client: the generic WorkerClient with progress and frame callbacks, cancel and init. */
import { WorkerClient, gpuLimits, wasmPaths, type DistributiveOmit, type LiveOf } from '../shared/client';
import type { BackendChoice, Request, RequestType, ResultMap, WorkerEvent } from './protocol';

export type Progress = (loaded: number, total: number, phase: string) => void;
export type FrameEvent = Extract<WorkerEvent, { type: 'frame' }>;
type Msg<T extends RequestType> = DistributiveOmit<Extract<Request, { type: T }>, 'id'>;

function route(onProgress?: Progress, onFrame?: (f: FrameEvent) => void) {
  return (ev: LiveOf<WorkerEvent>) => {
    if (ev.type === 'progress') onProgress?.(ev.loaded, ev.total, ev.phase);
    else onFrame?.(ev);
  };
}

/**
 * The requests that keep the worker's cores busy. Not loadModel: it is mostly a download (minutes
 * for VGG16 on a lecture hall's network), and prefetch is one.
 */
const COMPUTE: ReadonlySet<string> = new Set<RequestType>(['classify', 'saliency', 'classModel', 'activations']);

export class ModelClient {
  private readonly client: WorkerClient<Request, ResultMap, WorkerEvent>;

  /** `onBusy(true)` when the worker starts computing with nothing else running, `onBusy(false)` when the last such request settles. */
  constructor(onCrash: (message: string) => void, onBusy: (busy: boolean) => void = () => {}) {
    this.client = new WorkerClient(() => new Worker(new URL('./model.worker.ts', import.meta.url), { type: 'module', name: 'model' }), 'model', onCrash, {
      counts: (type) => COMPUTE.has(type),
      onChange: onBusy,
    });
  }

  request<T extends RequestType>(msg: Msg<T>, onProgress?: Progress, transfer: Transferable[] = []): Promise<ResultMap[T]> {
    return this.client.request<T>(msg, route(onProgress), transfer);
  }

  /** Like `request`, but also returns the id so the work can be cancelled. */
  start<T extends RequestType>(msg: Msg<T>, opts: { onProgress?: Progress; onFrame?: (f: FrameEvent) => void; transfer?: Transferable[] } = {}) {
    return this.client.start<T>(msg, { onEvent: route(opts.onProgress, opts.onFrame), transfer: opts.transfer });
  }

  cancel(target: number): void {
    void this.request<'cancel'>({ type: 'cancel', target }).catch(() => {});
  }

  init(backend: BackendChoice) {
    return this.request<'init'>({ type: 'init', backend, wasmPaths: wasmPaths(), gpuLimits: gpuLimits() });
  }

  restart(): void {
    this.client.restart();
  }

  terminate(): void {
    this.client.terminate();
  }
}
