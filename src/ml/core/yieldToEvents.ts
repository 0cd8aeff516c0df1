/**
 * A macrotask break in long work, so a worker receives pause, stop and cancel messages between
 * steps. setImmediate where there is one (Node: setTimeout(0) is rounded up to 1 ms there, and
 * the training loop yields often); setTimeout(0) in browsers, whose nested timeouts are clamped
 * to 4 ms — so loops that yield often do it by time (yieldEvery), not on every step.
 */
export function yieldToEvents(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  if (typeof g.setImmediate === 'function') return new Promise<void>((r) => g.setImmediate!(r));
  return new Promise<void>((r) => setTimeout(r, 0));
}

/** A yield for a loop of short steps: a break when `ms` have passed since the last one, else nothing. */
export function yieldEvery(ms: number): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < ms) return;
    await yieldToEvents();
    last = performance.now();
  };
}
