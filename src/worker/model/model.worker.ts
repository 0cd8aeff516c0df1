/// <reference lib="webworker" />
/** The model worker's entry: the handler behind the shared queue; maps and frames are transferred, not copied. */
import { serveWorker } from '../shared/serve';
import { createModelHandler } from './handler';
import type { Request, WorkerEvent } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
function transferables(event: WorkerEvent): Transferable[] {
  if (event.type === 'frame') return [event.rgba.buffer as ArrayBuffer];
  if (event.type === 'result' && event.request === 'saliency') return [event.result.map.buffer as ArrayBuffer, event.result.input.buffer as ArrayBuffer];
  if (event.type === 'result' && event.request === 'classModel') return [event.result.rgba.buffer as ArrayBuffer];
  return [];
}

serveWorker<Request>(scope, createModelHandler((event) => scope.postMessage(event, transferables(event))));
