/**
 * Helper threads for our own WASM kernels. XNNPACK runs TF.js's convolutions and dense products
 * on the backend's pthread pool, but a kernel of ours is one call on the calling thread: on a
 * 2-core machine the second core idles while it runs. Each helper is a worker holding its own
 * instance of our kernel module over the backend's shared memory; `split` gives it part of a call
 * (its own rows or columns of the output) and runs the rest here, then waits for it (Atomics).
 *
 * Helpers exist only where that can work: the threaded WASM build (shared memory), a context
 * that may block in Atomics.wait (a worker, or Node — never a page's main thread), and a way to
 * start a worker (a browser's Worker, or what setHelperSpawner installs: Node's worker_threads).
 * Until they report ready, and wherever they cannot exist, every call runs whole on this thread.
 * XNNPACK's threads are idle while our kernels run (the calls are synchronous), so the helpers
 * take no core from them.
 */

/** A started worker, as the pool needs it (a browser Worker or a Node worker, adapted). */
export interface HelperPort {
  postMessage(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  terminate(): void;
}

/** Starts a worker running `code` (classic script in a browser; CommonJS in Node). */
export type HelperSpawner = (code: string) => HelperPort;

const MAX_ARGS = 16;

/** The helper's whole program: instantiate the module, then run calls until told to stop. */
const HELPER_CODE = `
let post;
const start = (d) => {
  try {
    const inst = new WebAssembly.Instance(d.module, { env: { memory: d.memory } });
    const c = new Int32Array(d.control, 0, 4);
    const args = new Float64Array(d.control, 16, ${MAX_ARGS});
    const fns = d.names.map((n) => inst.exports[n]);
    post({ ready: true });
    for (;;) {
      Atomics.wait(c, 0, 0);
      if (c[0] === 2) return;
      try {
        fns[c[1]](...Array.from(args.subarray(0, c[2])));
        c[3] = 0;
      } catch (e) {
        c[3] = 1;
      }
      Atomics.compareExchange(c, 0, 1, 0); // done — unless told to stop meanwhile
      Atomics.notify(c, 0);
    }
  } catch (e) {
    post({ error: String(e && e.message || e) });
  }
};
if (typeof self === 'undefined') {
  const { parentPort } = require('node:worker_threads');
  post = (m) => parentPort.postMessage(m);
  parentPort.once('message', start);
} else {
  post = (m) => self.postMessage(m);
  self.onmessage = (e) => start(e.data);
}
`;

/**
 * A part of one kernel call takes milliseconds (a 64 MB momentum step: 20 ms); a helper that has
 * not answered after this is gone, and its part is run here.
 */
const HELPER_DEADLINE_MS = 5_000;
/** The control word: 0 idle (the helper's code waits on it), RUN a call, STOP the end. */
const RUN = 1;
const STOP = 2;

interface Helper {
  port: HelperPort;
  control: Int32Array;
  args: Float64Array;
}

let spawner: HelperSpawner | null = defaultSpawner();
let helpers: Helper[] = [];
let names: string[] = [];

function defaultSpawner(): HelperSpawner | null {
  if (typeof Worker === 'undefined' || typeof Blob === 'undefined' || typeof URL?.createObjectURL !== 'function') return null;
  return (code) => {
    const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
    const w = new Worker(url);
    // The URL goes once the helper has answered (it has loaded) or is let go.
    const revoke = () => URL.revokeObjectURL(url);
    return {
      postMessage: (m) => w.postMessage(m),
      onMessage: (l) => w.addEventListener('message', (e) => (revoke(), l(e.data))),
      terminate: () => (revoke(), w.terminate()),
    };
  };
}

/** How this environment starts helper workers (Node: scripts/lib/nodeTf.ts); null: none. */
export function setHelperSpawner(s: HelperSpawner | null): void {
  spawner = s;
}

/** Whether this thread may block in Atomics.wait (false on a page's main thread). */
function mayWait(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `count` helpers over `memory` for the kernels `kernelNames` of `module` (replacing any
 * running); resolves with how many reported ready within `timeoutMs` — those are used from then on.
 */
export function startHelpers(count: number, memory: WebAssembly.Memory, module: WebAssembly.Module, kernelNames: string[], timeoutMs = 10_000): Promise<number> {
  starting = startingHelpers(count, memory, module, kernelNames, timeoutMs).catch(() => 0);
  return starting;
}

let starting: Promise<number> = Promise.resolve(0);
/** Bumped by every start and stop: a start that a later one overtook lets its workers go. */
let generation = 0;
/** The memory the helpers' instances work in: a call over another runs whole here. */
let helperMemory: WebAssembly.Memory | null = null;

/** Resolves with the helper count once the last startHelpers call has settled. */
export function helpersReady(): Promise<number> {
  return starting;
}

async function startingHelpers(count: number, memory: WebAssembly.Memory, module: WebAssembly.Module, kernelNames: string[], timeoutMs: number): Promise<number> {
  stopHelpers();
  const mine = generation;
  if (count < 1 || !spawner || !(memory.buffer instanceof SharedArrayBuffer) || !mayWait()) return 0;
  const spawn = spawner;
  const started = await Promise.all(
    Array.from({ length: count }, async (): Promise<Helper | null> => {
      let port: HelperPort;
      try {
        port = spawn(HELPER_CODE);
      } catch {
        return null;
      }
      const buffer = new SharedArrayBuffer(16 + 8 * MAX_ARGS);
      const ok = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        try {
          port.onMessage((m) => {
            clearTimeout(timer);
            resolve(!!(m as { ready?: boolean }).ready);
          });
          port.postMessage({ memory, module, control: buffer, names: kernelNames });
        } catch {
          clearTimeout(timer);
          resolve(false);
        }
      });
      if (!ok) {
        port.terminate();
        return null;
      }
      return { port, control: new Int32Array(buffer, 0, 4), args: new Float64Array(buffer, 16, MAX_ARGS) };
    }),
  );
  const ready = started.filter((h): h is Helper => h !== null);
  if (mine !== generation) {
    for (const h of ready) h.port.terminate(); // overtaken by a later start or a stop
    return 0;
  }
  helpers = ready;
  helperMemory = memory;
  names = kernelNames;
  return helpers.length;
}

export function stopHelpers(): void {
  generation++;
  for (const h of helpers) {
    Atomics.store(h.control, 0, STOP);
    Atomics.notify(h.control, 0);
    h.port.terminate();
  }
  helpers = [];
}

/** Threads a split call runs on: this one and the helpers. */
export function kernelThreads(): number {
  return 1 + helpers.length;
}

/**
 * Runs kernel `name` once per part: part 0 with `run` here (the caller's own instance over
 * `memory`), the others on the helpers (parts beyond the helpers' count, and all of them where the
 * helpers work in another memory, run here too, after). Returns when all are done. A helper that
 * does not answer within HELPER_DEADLINE_MS is let go with the others, and its part is run here
 * (if it was only slow, both write the same values).
 */
export function split(name: string, memory: WebAssembly.Memory, parts: number[][], run: (args: number[]) => void): void {
  if (parts.length === 0) return;
  const fn = memory === helperMemory ? names.indexOf(name) : -1;
  const sent: { h: Helper; args: number[] }[] = [];
  const local: number[][] = [parts[0]!];
  for (let p = 1; p < parts.length; p++) {
    const h = fn >= 0 ? helpers[p - 1] : undefined;
    const args = parts[p]!;
    if (!h || args.length > MAX_ARGS) {
      local.push(args);
      continue;
    }
    h.args.set(args);
    h.control[1] = fn;
    h.control[2] = args.length;
    Atomics.store(h.control, 0, RUN);
    Atomics.notify(h.control, 0);
    sent.push({ h, args });
  }
  const late: number[][] = [];
  try {
    for (const args of local) run(args);
  } finally {
    const deadline = Date.now() + HELPER_DEADLINE_MS;
    for (const { h, args } of sent) {
      while (Atomics.load(h.control, 0) === RUN && Date.now() <= deadline) Atomics.wait(h.control, 0, RUN, 100);
      if (Atomics.load(h.control, 0) === RUN || h.control[3] !== 0) late.push(args);
    }
  }
  if (late.length) {
    stopHelpers(); // one thread from now on
    for (const args of late) run(args);
  }
}
