/**
 * Where a training run waits between batches: while the student paused it, and while the model
 * worker computes on the cores this worker shares with it (ml/runtime/threads.ts). Each reason
 * is a hold of its own, so resuming a pause does not also end a wait for a map, nor the other
 * way round. A run waits for the model worker at most `maxModelMs` at a time (a webcam's live
 * maps, or a request that never settles, would starve it): then it goes on beside it until the
 * model worker is idle again. How often and how long it waited for the model worker is counted
 * (the memory report shows it); the loop and the features time their own waits.
 */
export type Hold = 'paused' | 'model';

/** The longest a run waits for the model worker at a time. */
export const MAX_MODEL_WAIT_MS = 30_000;

export class Gate {
  private readonly holds = new Set<Hold>();
  private waiters: (() => void)[] = [];
  private modelSince = 0;
  private modelLapsed = false;
  /** How often, and for how long in all, a run waited for the model worker. */
  readonly yielded = { count: 0, ms: 0 };

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly maxModelMs = MAX_MODEL_WAIT_MS,
  ) {}

  set(hold: Hold, on: boolean): void {
    if (hold === 'model' && on && !this.holds.has('model')) this.modelSince = this.now();
    if (hold === 'model' && !on) this.modelLapsed = false;
    if (on) this.holds.add(hold);
    else this.holds.delete(hold);
    if (!this.blocking()) this.open();
  }

  has(hold: Hold): boolean {
    return this.holds.has(hold);
  }

  /** Whether a run must wait now; a wait for the model worker past its limit lapses until the next one. */
  private blocking(): boolean {
    if (this.holds.has('paused')) return true;
    if (!this.holds.has('model') || this.modelLapsed) return false;
    if (this.now() - this.modelSince >= this.maxModelMs) {
      this.modelLapsed = true;
      return false;
    }
    return true;
  }

  /** Resolves at once when nothing holds the gate, else when the holds are let go (or lapse), or `leave()` says so after `open()` (a stop). */
  async pass(leave: () => boolean = () => false): Promise<void> {
    while (this.blocking() && !leave()) {
      const forModel = !this.holds.has('paused');
      const t0 = this.now();
      const lapse = forModel ? setTimeout(() => this.open(), Math.max(0, this.maxModelMs - (t0 - this.modelSince))) : undefined;
      await new Promise<void>((res) => this.waiters.push(res));
      clearTimeout(lapse);
      if (forModel) {
        this.yielded.count++;
        this.yielded.ms += this.now() - t0;
      }
    }
  }

  /** Wakes every waiter: each passes if nothing holds the gate or its `leave()` is true, else waits again. */
  open(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const res of w) res();
  }
}
