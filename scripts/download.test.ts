import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { download } from './lib/download';

const tmp = mkdtempSync(join(tmpdir(), 'tl-dl-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('asset downloads (npm run assets)', () => {
  it('resume an interrupted download with a Range request and verify the sha256 prefix in the name', async () => {
    const body = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31) % 256));
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 8);
    const ranges: string[] = [];
    let cut = true;
    const server = createServer((req, res) => {
      const range = req.headers.range;
      ranges.push(range ?? 'none');
      if (range) {
        const from = Number(/bytes=(\d+)-/.exec(range)![1]);
        res.writeHead(206, { 'content-length': body.length - from, 'content-range': `bytes ${from}-${body.length - 1}/${body.length}` });
        return void res.end(body.subarray(from));
      }
      res.writeHead(200, { 'content-length': body.length });
      if (cut) {
        // The first attempt breaks off after 100 kB, like a dropped connection.
        cut = false;
        res.write(body.subarray(0, 100_000), () => res.destroy());
        return;
      }
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/m.pth`;
    const dest = join(tmp, `model-${hash}.pth`);
    try {
      await expect(download(url, dest, { quiet: true })).rejects.toThrow();
      expect(existsSync(`${dest}.part`)).toBe(true);
      await download(url, dest, { quiet: true });
      expect(ranges[1]).toMatch(/^bytes=\d+-$/);
      expect(Number(/bytes=(\d+)-/.exec(ranges[1]!)![1])).toBeGreaterThan(0);
      expect(readFileSync(dest).equals(body)).toBe(true);
      expect(existsSync(`${dest}.part`)).toBe(false);
      // A file whose content does not match the hash in its name is refused and removed.
      const wrong = join(tmp, 'model-00000000.pth');
      await expect(download(url.replace('m.pth', 'x.pth'), wrong, { quiet: true })).rejects.toThrow(/checksum mismatch/);
      expect(existsSync(wrong) || existsSync(`${wrong}.part`)).toBe(false);
    } finally {
      server.close();
    }
  });

  it('keeps a finished download instead of fetching it again', async () => {
    const dest = join(tmp, 'done.bin');
    writeFileSync(dest, 'x');
    expect(await download('http://127.0.0.1:9/never', dest, { quiet: true })).toBe(dest);
  });
});
