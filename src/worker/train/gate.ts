/**
 * Where a training run waits between batches: while the student paused it, and while the model
 * worker computes on the cores this worker shares with it (ml/runtime/threads.ts). Each reason
 * is a hold of its own, so resuming a pause does not also end a wait for a map, nor the other
 * way round. The time spent waiting for the model worker is counted (the memory report shows it).
 */
export type Hold = 'paused' | 'model';

export class Gate {
  private readonly holds = new Set<Hold>();
  private waiters: (() => void)[] = [];
  /** How often, and for how long in all, a run waited for the model worker. */
  readonly yielded = { count: 0, ms: 0 };

  constructor(private readonly now: () => number = () => performance.now()) {}

  set(hold: Hold, on: boolean): void {
    if (on) this.holds.add(hold);
    else this.holds.delete(hold);
    if (this.holds.size === 0) this.open();
  }

  has(hold: Hold): boolean {
    return this.holds.has(hold);
  }

  /** Resolves at once when nothing holds the gate, else when the last hold is let go or `leave()` says so after `open()` (a stop). */
  async pass(leave: () => boolean = () => false): Promise<void> {
    while (this.holds.size > 0 && !leave()) {
      const forModel = this.holds.has('model');
      const t0 = this.now();
      await new Promise<void>((res) => this.waiters.push(res));
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
