import { describe, expect, it } from 'vitest';
import { WorkerClient, WorkerError, type WorkerLike } from './client';
import { serveQueue } from './serve';

type Req = { type: 'add'; id: number; a: number; b: number } | { type: 'slow'; id: number };
type Results = { add: number; slow: string };
type Ev = { type: 'result'; id: number; result: unknown } | { type: 'error'; id: number; error: { name: string; message: string } } | { type: 'tick'; id: number; n: number };

/** A worker in the same thread: answers `add`, ticks twice first; `slow` never answers. */
class FakeWorker implements WorkerLike {
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  posted: unknown[] = [];
  terminated = false;
  postMessage(message: unknown): void {
    this.posted.push(message);
    const m = message as Req;
    const emit = (data: Ev) => queueMicrotask(() => this.onmessage?.({ data } as MessageEvent));
    if (m.type === 'add') {
      emit({ type: 'tick', id: m.id, n: 1 });
      emit({ type: 'tick', id: m.id, n: 2 });
      if (Number.isFinite(m.a + m.b)) emit({ type: 'result', id: m.id, result: m.a + m.b });
      else emit({ type: 'error', id: m.id, error: { name: 'RangeError', message: 'not finite' } });
    }
  }
  terminate(): void {
    this.terminated = true;
  }
  crash(message: string): void {
    this.onerror?.({ message } as ErrorEvent);
  }
}

function make() {
  const workers: FakeWorker[] = [];
  const crashes: string[] = [];
  const client = new WorkerClient<Req, Results, Ev>(() => {
    const w = new FakeWorker();
    workers.push(w);
    return w;
  }, 'test', (m) => crashes.push(m));
  return { client, workers, crashes };
}

describe('WorkerClient', () => {
  it('numbers requests, passes live events to their request, resolves with the result', async () => {
    const { client, workers } = make();
    const ticks: number[] = [];
    const [x, y] = await Promise.all([client.request<'add'>({ type: 'add', a: 2, b: 3 }, (e) => ticks.push((e as { n: number }).n)), client.request<'add'>({ type: 'add', a: 1, b: 1 })]);
    expect([x, y]).toEqual([5, 2]);
    expect(ticks).toEqual([1, 2]);
    expect(workers[0]!.posted.map((m) => (m as { id: number }).id)).toEqual([1, 2]);
  });

  it('rejects with a WorkerError carrying the worker-side name and message', async () => {
    const { client } = make();
    const err = await client.request<'add'>({ type: 'add', a: Infinity, b: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerError);
    expect((err as Error).name).toBe('RangeError');
    expect((err as Error).message).toBe('not finite');
  });

  it('a crash rejects every pending request and reports it once', async () => {
    const { client, workers, crashes } = make();
    const p = client.request<'slow'>({ type: 'slow' });
    workers[0]!.crash('boom');
    await expect(p).rejects.toThrow('the test worker crashed: boom');
    expect(crashes).toEqual(['the test worker crashed: boom']);
  });

  it('restart terminates the old worker, fails what was pending, and serves from a new one', async () => {
    const { client, workers } = make();
    const p = client.request<'slow'>({ type: 'slow' });
    client.restart();
    await expect(p).rejects.toThrow(/restarted/);
    expect(workers[0]!.terminated).toBe(true);
    expect(await client.request<'add'>({ type: 'add', a: 4, b: 4 })).toBe(8);
    expect(workers).toHaveLength(2);
  });
});

describe('WorkerClient busy watch', () => {
  const watched = () => {
    const changes: boolean[] = [];
    const workers: FakeWorker[] = [];
    const client = new WorkerClient<Req, Results, Ev>(
      () => {
        const w = new FakeWorker();
        workers.push(w);
        return w;
      },
      'test',
      () => {},
      { counts: () => true, onChange: (b) => changes.push(b) },
    );
    return { client, changes, workers };
  };

  it('says busy when the first counted request starts and idle when the last settles, answered or failed', async () => {
    const { client, changes } = watched();
    const a = client.request<'add'>({ type: 'add', a: 1, b: 2 });
    const b = client.request<'add'>({ type: 'add', a: Infinity, b: 1 }).catch(() => 'failed');
    expect(changes).toEqual([true]);
    expect(await Promise.all([a, b])).toEqual([3, 'failed']);
    await Promise.resolve();
    expect(changes).toEqual([true, false]);
  });

  it('goes idle when a restart or a crash fails what was pending', async () => {
    const { client, changes, workers } = watched();
    const p = client.request<'slow'>({ type: 'slow' }).catch(() => 'gone');
    client.restart();
    expect(await p).toBe('gone');
    await Promise.resolve();
    expect(changes).toEqual([true, false]);
    const q = client.request<'slow'>({ type: 'slow' }).catch(() => 'crashed');
    workers[1]!.crash('boom');
    expect(await q).toBe('crashed');
    await Promise.resolve();
    expect(changes).toEqual([true, false, true, false]);
  });

  it('leaves requests it does not count alone', async () => {
    const changes: boolean[] = [];
    const client = new WorkerClient<Req, Results, Ev>(() => new FakeWorker(), 'test', () => {}, { counts: (t) => t === 'slow', onChange: (b) => changes.push(b) });
    expect(await client.request<'add'>({ type: 'add', a: 1, b: 1 })).toBe(2);
    expect(changes).toEqual([]);
  });
});

describe('serveQueue', () => {
  it('runs requests one at a time, in order, but lets immediate ones overtake', async () => {
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const handle = Object.assign(
      async (req: string) => {
        log.push(`start ${req}`);
        if (req === 'a') await gate;
        log.push(`end ${req}`);
      },
      { isImmediate: (req: string) => req === 'stop' },
    );
    const dispatch = serveQueue(handle);
    const a = dispatch('a');
    const b = dispatch('b');
    await new Promise((r) => setTimeout(r, 0)); // a is running (and waiting)
    await dispatch('stop');
    expect(log).toEqual(['start a', 'start stop', 'end stop']);
    release();
    await Promise.all([a, b]);
    expect(log).toEqual(['start a', 'start stop', 'end stop', 'end a', 'start b', 'end b']);
  });
});
