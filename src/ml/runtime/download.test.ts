/** Batch downloads never hang: servers that accept and never answer, or stall mid-body, or send too much. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAll } from './download';

let server: Server;
let base: string;
let hits = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    if (req.url === '/silent') return; // accepts, never answers
    if (req.url === '/stall') {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.write(Buffer.alloc(10)); // then nothing
      return;
    }
    if (req.url === '/huge') return void res.writeHead(200, { 'content-length': String(5e6) }).end(Buffer.alloc(5e6));
    if (req.url === '/gone') return void res.writeHead(404).end();
    res.writeHead(200).end(Buffer.from([1, 2, 3]));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('fetchAll', () => {
  it('fails a silent server after the connect timeout and a stalled body after the idle timeout, with bounded retries; the rest arrive', async () => {
    hits = 0;
    const t0 = Date.now();
    const progress: number[] = [];
    const r = await fetchAll([`${base}/ok`, `${base}/silent`, `${base}/stall`, `${base}/gone`], {
      retries: 1,
      backoffMs: 10,
      connectTimeoutMs: 300,
      idleTimeoutMs: 300,
      onProgress: (d) => progress.push(d),
    });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.bodies[0]).toEqual(new Uint8Array([1, 2, 3]));
    expect(r.bodies.slice(1)).toEqual([null, null, null]);
    const why = Object.fromEntries(r.failed.map((f) => [f.url.split('/').pop(), f.error]));
    expect(why.silent).toMatch(/no answer within/);
    expect(why.stall).toMatch(/no data for/);
    expect(why.gone).toBe('HTTP 404');
    expect(progress).toEqual([1, 2, 3, 4]);
    expect(hits).toBe(1 + 2 + 2 + 1); // a 404 is not retried
  });

  it('cuts off a body larger than maxBytes without retrying', async () => {
    const r = await fetchAll([`${base}/huge`], { maxBytes: 1e6, retries: 3 });
    expect(r.failed[0]!.error).toMatch(/more than the 1 MB allowed/);
  });

  it('onBody takes each body as it arrives (by index) and the result holds none of them; a failure is still listed', async () => {
    const got: [number, number[]][] = [];
    const r = await fetchAll([`${base}/a`, `${base}/gone`, `${base}/b`], { onBody: (i, b) => void got.push([i, [...b]]), concurrency: 1 });
    expect(got).toEqual([
      [0, [1, 2, 3]],
      [2, [1, 2, 3]],
    ]);
    expect(r.bodies).toEqual([null, null, null]);
    expect(r.failed.map((f) => f.url.split('/').pop())).toEqual(['gone']);
  });
});
