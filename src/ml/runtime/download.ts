/**
 * Batch downloads as the course's downloader does them: a concurrency limit, retries with
 * exponential back-off, progress, and failures skipped and counted. Every attempt has a
 * connect timeout (no answer) and an idle timeout (no bytes for a while), and a body larger
 * than `maxBytes` is cut off: a server that accepts and never answers cannot hang a run.
 */
export interface FetchAllOptions {
  concurrency?: number;
  retries?: number;
  backoffMs?: number;
  /** No response headers within this long: the attempt fails (default 15 s). */
  connectTimeoutMs?: number;
  /** No body bytes for this long: the attempt fails (default 30 s). */
  idleTimeoutMs?: number;
  /** A larger body fails the item (default: no limit). */
  maxBytes?: number;
  onProgress?: (done: number, failed: number, total: number) => void;
  /**
   * Takes each body as it arrives (item i), instead of holding them all to the end: a caller that
   * saves as it goes keeps what came before a Ctrl-C. Its bodies[i] stay null then.
   */
  onBody?: (i: number, body: Uint8Array) => void | Promise<void>;
  shouldStop?: () => boolean;
  fetchFn?: typeof fetch;
}

export interface FetchAllResult {
  /** Bytes per URL, in order; null where every attempt failed. */
  bodies: (Uint8Array | null)[];
  failed: { url: string; error: string }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class FatalDownloadError extends Error {}

/** One attempt: headers within `connect` ms, then no gap longer than `idle` ms between chunks. */
export async function fetchWithTimeouts(url: string, o: { fetchFn?: typeof fetch; connectTimeoutMs?: number; idleTimeoutMs?: number; maxBytes?: number } = {}): Promise<{ ok: boolean; status: number; body: Uint8Array | null }> {
  const fetchFn = o.fetchFn ?? fetch;
  const ctrl = new AbortController();
  let timer = setTimeout(() => ctrl.abort(new Error(`no answer within ${((o.connectTimeoutMs ?? 15_000) / 1000).toFixed(0)} s`)), o.connectTimeoutMs ?? 15_000);
  const rearm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => ctrl.abort(new Error(`no data for ${((o.idleTimeoutMs ?? 30_000) / 1000).toFixed(0)} s`)), o.idleTimeoutMs ?? 30_000);
  };
  try {
    const res = await fetchFn(url, { signal: ctrl.signal });
    if (!res.ok) return { ok: false, status: res.status, body: null };
    if (!res.body) return { ok: true, status: res.status, body: new Uint8Array(await res.arrayBuffer()) };
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (o.maxBytes !== undefined && declared > o.maxBytes) {
      ctrl.abort();
      throw new FatalDownloadError(`${(declared / 1e6).toFixed(0)} MB is more than the ${(o.maxBytes / 1e6).toFixed(0)} MB allowed`);
    }
    rearm();
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (o.maxBytes !== undefined && total > o.maxBytes) {
        ctrl.abort();
        throw new FatalDownloadError(`more than the ${(o.maxBytes / 1e6).toFixed(0)} MB allowed`);
      }
      chunks.push(value);
      rearm();
    }
    const bytes = new Uint8Array(total);
    let off = 0;
    for (const c of chunks) {
      bytes.set(c, off);
      off += c.length;
    }
    return { ok: true, status: res.status, body: bytes };
  } catch (e) {
    if (e instanceof FatalDownloadError) throw e;
    const reason = ctrl.signal.aborted ? ctrl.signal.reason : e;
    throw reason instanceof Error ? reason : new Error(String(reason));
  } finally {
    clearTimeout(timer);
  }
}

export async function fetchAll(urls: string[], o: FetchAllOptions = {}): Promise<FetchAllResult> {
  const concurrency = Math.max(1, o.concurrency ?? 8);
  const retries = Math.max(0, o.retries ?? 3);
  const backoff = o.backoffMs ?? 200;
  const bodies: (Uint8Array | null)[] = new Array(urls.length).fill(null);
  const failed: FetchAllResult['failed'] = [];
  let next = 0;
  let done = 0;
  const one = async (url: string): Promise<Uint8Array> => {
    let last: unknown;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(backoff * 2 ** (attempt - 1));
      try {
        const res = await fetchWithTimeouts(url, o);
        // 4xx other than 408/429 will not get better by asking again.
        if (!res.ok) {
          last = new Error(`HTTP ${res.status}`);
          if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) break;
          continue;
        }
        return res.body!;
      } catch (e) {
        last = e;
        if (e instanceof FatalDownloadError) break;
      }
    }
    throw last instanceof Error ? last : new Error(String(last));
  };
  const worker = async () => {
    for (;;) {
      if (o.shouldStop?.()) return;
      const i = next++;
      if (i >= urls.length) return;
      try {
        const body = await one(urls[i]!);
        if (o.onBody) await o.onBody(i, body);
        else bodies[i] = body;
      } catch (e) {
        failed.push({ url: urls[i]!, error: (e as Error).message });
      }
      done++;
      o.onProgress?.(done, failed.length, urls.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, urls.length) }, worker));
  return { bodies, failed };
}
