/** Resumable, checksum-verified downloads for `npm run assets` (Node). */
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';

export function sha256(path: string): Promise<string> {
  return new Promise((res, rej) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('end', () => res(h.digest('hex')))
      .on('error', rej);
  });
}

function bar(done: number, total: number): string {
  const w = 30;
  const f = total ? Math.min(w, Math.round((done / total) * w)) : 0;
  return `[${'#'.repeat(f)}${'.'.repeat(w - f)}] ${(done / 1e6).toFixed(1)}${total ? `/${(total / 1e6).toFixed(1)}` : ''} MB`;
}

/**
 * Downloads `url` to `dest`, continuing a partial `dest.part` with a Range request. torchvision
 * file names carry the first hex digits of their sha256 (`…-7be5be79.pth`); a mismatch deletes
 * the download and throws.
 */
export async function download(url: string, dest: string, opts: { timeoutMs?: number; quiet?: boolean } = {}): Promise<string> {
  mkdirSync(dirname(dest), { recursive: true });
  if (existsSync(dest)) return dest;
  const part = `${dest}.part`;
  const have = existsSync(part) ? statSync(part).size : 0;
  const res = await fetch(url, { headers: have ? { Range: `bytes=${have}-` } : {}, signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000) });
  if (!res.ok && res.status !== 206) throw new Error(`HTTP ${res.status} for ${url}`);
  const resumed = res.status === 206;
  const total = Number(res.headers.get('content-length') ?? 0) + (resumed ? have : 0);
  const out = createWriteStream(part, { flags: resumed ? 'a' : 'w' });
  let done = resumed ? have : 0;
  let last = 0;
  const tty = process.stderr.isTTY && !opts.quiet;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      out.write(chunk);
      done += chunk.length;
      if (tty && Date.now() - last > 200) {
        process.stderr.write(`\r  ${basename(dest)} ${bar(done, total)}`);
        last = Date.now();
      }
    }
  } finally {
    await new Promise<void>((r) => out.end(r));
  }
  if (tty) process.stderr.write(`\r  ${basename(dest)} ${bar(done, total)}\n`);
  const expected = /-([0-9a-f]{8,})\.pth$/.exec(dest)?.[1];
  if (expected) {
    const got = await sha256(part);
    if (!got.startsWith(expected)) {
      rmSync(part);
      throw new Error(`checksum mismatch for ${basename(dest)}: sha256 ${got.slice(0, 12)}…, expected ${expected}…`);
    }
  }
  copyFileSync(part, dest);
  rmSync(part);
  return dest;
}
