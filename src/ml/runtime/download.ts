/**
 * Batch downloads as the course's downloader does them: a concurrency limit, retries
 * with exponential back-off, progress, and failures skipped and counted.
 */
export interface FetchAllOptions {
  concurrency?: number;
  retries?: number;
  backoffMs?: number;
  onProgress?: (done: number, failed: number, total: number) => void;
  shouldStop?: () => boolean;
  fetchFn?: typeof fetch;
}

export interface FetchAllResult {
  /** Bytes per URL, in order; null where every attempt failed. */
  bodies: (Uint8Array | null)[];
  failed: { url: string; error: string }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function fetchAll(urls: string[], o: FetchAllOptions = {}): Promise<FetchAllResult> {
  const concurrency = Math.max(1, o.concurrency ?? 8);
  const retries = Math.max(0, o.retries ?? 3);
  const backoff = o.backoffMs ?? 200;
  const fetchFn = o.fetchFn ?? fetch;
  const bodies: (Uint8Array | null)[] = new Array(urls.length).fill(null);
  const failed: FetchAllResult['failed'] = [];
  let next = 0;
  let done = 0;
  const one = async (url: string): Promise<Uint8Array> => {
    let last: unknown;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(backoff * 2 ** (attempt - 1));
      try {
        const res = await fetchFn(url);
        // 4xx other than 408/429 will not get better by asking again.
        if (!res.ok) {
          last = new Error(`HTTP ${res.status}`);
          if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) break;
          continue;
        }
        return new Uint8Array(await res.arrayBuffer());
      } catch (e) {
        last = e;
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
        bodies[i] = await one(urls[i]!);
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
