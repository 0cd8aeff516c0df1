/**
 * The worker side of the protocol, shared by both workers: requests run one after another
 * (TF.js backends are not re-entrant across awaits), except those the handler marks immediate
 * (cancel, pause, stop), which must overtake the queue.
 */
export interface Handler<Req> {
  (req: Req): Promise<void>;
  isImmediate(req: Req): boolean;
}

export function serveQueue<Req>(handle: Handler<Req>): (req: Req) => Promise<void> {
  let queue: Promise<void> = Promise.resolve();
  return (req: Req) => {
    if (handle.isImmediate(req)) return handle(req);
    queue = queue.then(() => handle(req));
    return queue;
  };
}

/** Wire a handler to a dedicated worker's scope. */
export function serveWorker<Req>(scope: { onmessage: ((e: MessageEvent<Req>) => void) | null }, handle: Handler<Req>): void {
  const dispatch = serveQueue(handle);
  scope.onmessage = (e: MessageEvent<Req>) => void dispatch(e.data);
}
