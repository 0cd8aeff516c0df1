/** The training worker's client: the generic WorkerClient with live training events and init. */
import { WorkerClient, gpuLimits, wasmPaths, type DistributiveOmit, type LiveOf } from '../shared/client';
import type { BackendChoice } from '../model/protocol';
import type { TrainEvent, TrainRequest, TrainResultMap } from './protocol';

export type LiveEvent = LiveOf<TrainEvent>;

export class TrainClient {
  private readonly client: WorkerClient<TrainRequest, TrainResultMap, TrainEvent>;

  constructor(onCrash: (message: string) => void) {
    this.client = new WorkerClient(() => new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'train' }), 'training', onCrash);
  }

  request<T extends TrainRequest['type']>(msg: DistributiveOmit<Extract<TrainRequest, { type: T }>, 'id'>, onEvent?: (e: LiveEvent) => void): Promise<TrainResultMap[T]> {
    return this.client.request<T>(msg, onEvent);
  }

  init(backend: BackendChoice) {
    return this.request<'init'>({ type: 'init', backend, wasmPaths: wasmPaths(), gpuLimits: gpuLimits() });
  }

  terminate(): void {
    this.client.terminate();
  }
}
