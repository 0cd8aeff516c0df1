/// <reference lib="webworker" />
import { createModelHandler } from './handler';
import type { Request } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const handle = createModelHandler((event) => scope.postMessage(event));
// Requests are handled one after another: TF.js backends are not re-entrant across awaits.
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (e: MessageEvent<Request>) => {
  queue = queue.then(() => handle(e.data));
};
