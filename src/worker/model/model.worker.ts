/// <reference lib="webworker" />
import { createModelHandler } from './handler';
import type { Request, WorkerEvent } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
/** Maps and frames are transferred, not copied. */
function transferables(event: WorkerEvent): Transferable[] {
  if (event.type === 'frame') return [event.rgba.buffer as ArrayBuffer];
  if (event.type === 'result' && event.request === 'saliency') return [event.result.map.buffer as ArrayBuffer, event.result.input.buffer as ArrayBuffer];
  if (event.type === 'result' && event.request === 'classModel') return [event.result.rgba.buffer as ArrayBuffer];
  return [];
}

const handle = createModelHandler((event) => scope.postMessage(event, transferables(event)));
// Requests are handled one after another: TF.js backends are not re-entrant across awaits.
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (e: MessageEvent<Request>) => {
  if (handle.isImmediate(e.data)) void handle(e.data);
  else queue = queue.then(() => handle(e.data));
};
