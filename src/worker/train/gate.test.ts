/** The training run's gate: a pause and the model worker's work hold it apart, a stop leaves it, waits for the model worker are counted. */
import { describe, expect, it } from 'vitest';
import { Gate } from './gate';

const settled = async (p: Promise<void>) => {
  let done = false;
  void p.then(() => (done = true));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
};

describe('Gate', () => {
  it('passes at once when nothing holds it', async () => {
    expect(await settled(new Gate().pass())).toBe(true);
  });

  it('waits until every hold is let go: resuming a pause does not end a wait for the model worker', async () => {
    const g = new Gate();
    g.set('paused', true);
    g.set('model', true);
    const p = g.pass();
    g.set('paused', false);
    expect(await settled(p)).toBe(false);
    g.set('model', false);
    expect(await settled(p)).toBe(true);
  });

  it('counts the waits for the model worker and their time, not the pauses', async () => {
    let t = 0;
    const g = new Gate(() => t);
    g.set('model', true);
    const p = g.pass();
    t = 250;
    g.set('model', false);
    await p;
    g.set('paused', true);
    const q = g.pass();
    t = 1000;
    g.set('paused', false);
    await q;
    expect(g.yielded).toEqual({ count: 1, ms: 250 });
  });

  it('a wait for the model worker lapses after its limit, until the model worker is idle and busy again', async () => {
    let t = 0;
    const g = new Gate(() => t, 1000);
    g.set('model', true);
    t = 999;
    expect(await settled(g.pass())).toBe(false);
    t = 1000;
    g.open(); // the lapse timer's wake-up
    expect(await settled(g.pass())).toBe(true);
    expect(await settled(g.pass())).toBe(true); // still busy, but lapsed
    g.set('model', false);
    g.set('model', true); // a new piece of work: a new wait
    expect(await settled(g.pass())).toBe(false);
    g.set('paused', true); // a pause never lapses
    t = 1e6;
    const p = g.pass();
    expect(await settled(p)).toBe(false);
    g.set('paused', false);
    expect(await settled(p)).toBe(true);
  });

  it('wakes a waiter itself when the limit passes (a real timer)', async () => {
    const g = new Gate(undefined, 40);
    g.set('model', true);
    const t0 = performance.now();
    await g.pass();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(35);
    expect(g.has('model')).toBe(true);
  });

  it('lets a stopping run leave while the model worker still holds it', async () => {
    const g = new Gate();
    let stopping = false;
    g.set('model', true);
    const p = g.pass(() => stopping);
    expect(await settled(p)).toBe(false);
    stopping = true;
    g.open();
    expect(await settled(p)).toBe(true);
    expect(g.has('model')).toBe(true);
  });
});
