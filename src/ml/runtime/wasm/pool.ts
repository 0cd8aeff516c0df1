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

/** The helper's whole program: instantiate the module, then run calls until told to stop. */
const HELPER_CODE = `
let post;
const start = (d) => {
  try {
    const inst = new WebAssembly.Instance(d.module, { env: { memory: d.memory } });
    const c = new Int32Array(d.control, 0, 4);
    const args = new Float64Array(d.control, 16, ${16});
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
      Atomics.store(c, 0, 0);
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

const MAX_ARGS = 16;
/** A part of one kernel call takes well under a second; past this the helper is gone. */
const HELPER_DEADLINE_MS = 60_000;
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
  starting = startingHelpers(count, memory, module, kernelNames, timeoutMs);
  return starting;
}

let starting: Promise<number> = Promise.resolve(0);

/** Resolves with the helper count once the last startHelpers call has settled. */
export function helpersReady(): Promise<number> {
  return starting;
}

async function startingHelpers(count: number, memory: WebAssembly.Memory, module: WebAssembly.Module, kernelNames: string[], timeoutMs: number): Promise<number> {
  stopHelpers();
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
        port.onMessage((m) => {
          clearTimeout(timer);
          resolve(!!(m as { ready?: boolean }).ready);
        });
        port.postMessage({ memory, module, control: buffer, names: kernelNames });
      });
      if (!ok) {
        port.terminate();
        return null;
      }
      return { port, control: new Int32Array(buffer, 0, 4), args: new Float64Array(buffer, 16, MAX_ARGS) };
    }),
  );
  helpers = started.filter((h): h is Helper => h !== null);
  names = kernelNames;
  return helpers.length;
}

export function stopHelpers(): void {
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
 * Runs kernel `name` once per part: part 0 with `run` here (the caller's own instance), the others
 * on the helpers (parts beyond the helpers' count run here too, after). Returns when all are done.
 */
export function split(name: string, parts: number[][], run: (args: number[]) => void): void {
  if (parts.length === 0) return;
  const fn = names.indexOf(name);
  const sent: Helper[] = [];
  const local: number[][] = [parts[0]!];
  for (let p = 1; p < parts.length; p++) {
    const h = fn >= 0 ? helpers[p - 1] : undefined;
    if (!h) {
      local.push(parts[p]!);
      continue;
    }
    const args = parts[p]!;
    if (args.length > MAX_ARGS) throw new Error(`kernel ${name}: too many arguments for a helper`);
    h.args.set(args);
    h.control[1] = fn;
    h.control[2] = args.length;
    Atomics.store(h.control, 0, RUN);
    Atomics.notify(h.control, 0);
    sent.push(h);
  }
  try {
    for (const args of local) run(args);
  } finally {
    const deadline = Date.now() + HELPER_DEADLINE_MS;
    for (const h of sent) {
      while (Atomics.load(h.control, 0) === RUN) {
        if (Date.now() > deadline) {
          stopHelpers();
          throw new Error(`kernel ${name}: a helper thread stopped answering (helpers stopped; kernels run on one thread from now on)`);
        }
        Atomics.wait(h.control, 0, RUN, 1000);
      }
    }
  }
  if (sent.some((h) => h.control[3] !== 0)) throw new Error(`kernel ${name} failed on a helper thread`);
}
