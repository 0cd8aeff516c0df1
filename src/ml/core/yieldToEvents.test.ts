/** yieldToEvents: a macrotask break (what was queued before it runs first); yieldEvery: a break only once the time has passed. */
import { afterEach, expect, it } from 'vitest';
import { yieldEvery, yieldToEvents } from './yieldToEvents';

const g = globalThis as { setImmediate?: unknown };
const saved = g.setImmediate;
afterEach(() => void (g.setImmediate = saved));

async function queuedFirst(): Promise<string[]> {
  const seen: string[] = [];
  setTimeout(() => seen.push('timeout'), 0);
  await new Promise((r) => setTimeout(r, 5));
  seen.length = 0;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => seen.push('message');
  channel.port2.postMessage(null); // a message that arrives while we work
  await new Promise((r) => setTimeout(r, 5));
  seen.length = 0;
  channel.port2.postMessage(null);
  await yieldToEvents();
  seen.push('after');
  channel.port1.close();
  return seen;
}

it('lets a message queued before it through (Node: setImmediate; elsewhere setTimeout)', async () => {
  expect(await queuedFirst()).toEqual(['message', 'after']);
  g.setImmediate = undefined;
  expect(await queuedFirst()).toEqual(['message', 'after']);
});

it('yieldEvery breaks only once its time has passed', async () => {
  const tick = yieldEvery(60_000);
  let ran = false;
  setTimeout(() => (ran = true), 0);
  for (let i = 0; i < 100; i++) await tick();
  expect(ran).toBe(false); // no break yet: only microtasks
  const always = yieldEvery(0);
  await new Promise((r) => setTimeout(r, 1));
  await always();
  expect(ran).toBe(true);
});
