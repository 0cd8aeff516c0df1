/**
 * WASM threads in the built app: two on this 2-core machine when the server sends COOP/COEP
 * (vite preview), and on a plain static host that sends none once the service worker adds them;
 * two in the training worker as well, which waits between batches while the model worker computes.
 */
import { expect, test, type Page } from '@playwright/test';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { useBackend } from './helpers';

const DIST = resolve(import.meta.dirname, '../dist');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.bin': 'application/octet-stream',
};

/** A static host as GitHub Pages is one: files and content types, no isolation headers. */
function plainStaticServer(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(DIST, path));
    if (!file.startsWith(DIST)) return void res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

/** Whether the model worker runs our GEMV kernel (it imports the WASM backend's memory: shared with threads, its own without). */
const gemvActive = (page: Page) => page.evaluate(async () => (await (window as unknown as { transferlens: { memory(): Promise<{ model: { gemv?: boolean } }> } }).transferlens.memory()).model.gemv);

/** The threads the model worker's own kernels split over: 1 + the helper workers that answered (wasm/pool.ts). */
const kernelThreads = (page: Page) => page.evaluate(async () => (await (window as unknown as { transferlens: { memory(): Promise<{ model: { kernelThreads?: number } }> } }).transferlens.memory()).model.kernelThreads);

async function wasmChip(page: Page) {
  const chip = page.getByTestId('backend-chip');
  await expect(chip).toHaveAttribute('data-backend', 'wasm');
  return chip;
}

test('the built app runs WebAssembly on two threads when the server isolates the page', async ({ page }) => {
  await useBackend(page, 'wasm');
  await page.goto('./');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const chip = await wasmChip(page);
  await expect(chip).toHaveAttribute('data-threads', '2');
  await expect(chip).toContainText('CPU × 2'); // plain words on the chip; WebAssembly is in its panel
  await chip.click();
  await expect(page.getByText(/WebAssembly \+ SIMD, 2 threads/)).toBeVisible();
  expect(await gemvActive(page)).toBe(true); // against the threads' shared memory
  // Our kernels' helper: a blob worker started by the model worker, answering over shared memory.
  await expect.poll(() => kernelThreads(page), { timeout: 15_000 }).toBe(2);
});

test('on a static host with no COOP/COEP headers the service worker isolates the page: two threads after a reload', async ({ page }) => {
  const server = await plainStaticServer();
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const headers = (await (await fetch(url)).headers) as Headers;
    expect(headers.get('cross-origin-opener-policy')).toBeNull();
    expect(headers.get('cross-origin-embedder-policy')).toBeNull();

    await useBackend(page, 'wasm');
    await page.goto(url);
    // Before the service worker controls the page: not isolated, one thread.
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    await expect(await wasmChip(page)).toHaveAttribute('data-threads', '1');
    expect(await gemvActive(page)).toBe(true); // against the single-threaded build's own memory
    expect(await kernelThreads(page)).toBe(1); // no shared memory: no helper
    await page.waitForFunction(async () => !!(await navigator.serviceWorker.ready) && !!navigator.serviceWorker.controller, undefined, { timeout: 60_000 });

    await page.reload();
    expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await expect(await wasmChip(page)).toHaveAttribute('data-threads', '2');
    await expect.poll(() => kernelThreads(page), { timeout: 15_000 }).toBe(2);
  } finally {
    await new Promise((ok) => server.close(ok));
  }
});

type TrainMemory = { kernelThreads?: number; yieldedToModel?: { count: number; ms: number } } | null;
const trainMemory = (page: Page) => page.evaluate(async () => (await (window as unknown as { transferlens: { memory(): Promise<{ train: TrainMemory }> } }).transferlens.memory()).train);

test('the training worker trains on both cores too, and waits between batches while the model worker draws a map', async ({ page }) => {
  await useBackend(page, 'wasm');
  await page.goto('./?screen=transfer');
  await expect(page.getByTestId('transfer-model')).toContainText('SqueezeNet', { timeout: 60_000 });
  // Our kernels' helper in the training worker: it runs two WASM threads (on this 2-core machine too).
  await expect.poll(async () => (await trainMemory(page))?.kernelThreads, { timeout: 15_000 }).toBe(2);
  await page.getByTestId('manifest-url').fill(new URL('e2e-fixtures/wikiart-mini/manifest.json', page.url()).href);
  await page.getByTestId('manifest-load').click();
  await expect(page.getByTestId('dataset-summary')).toContainText('60 images in 3 classes');
  // A long run (paced: at least a second an epoch), so a map is asked for while it trains.
  await page.getByTestId('epochs-input').fill('200');
  await page.getByLabel('Batch', { exact: true }).fill('1');
  await page.getByTestId('lecture-toggle').click();
  await page.getByTestId('pace-toggle').check();
  await page.getByTestId('lecture-toggle').click();
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-progress')).toContainText('Training the head', { timeout: 60_000 });
  const before = (await trainMemory(page))!.yieldedToModel!.count;

  // The student opens the saliency lesson while the run goes on: the map gets both cores.
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /Saliency/ }).click();
  await page.getByTestId('sample-owl.jpg').click();
  await expect(page.getByTestId('map-info')).toContainText('owl.jpg', { timeout: 60_000 });
  const after = (await trainMemory(page))!.yieldedToModel!;
  // On 2 or 3 cores the two workers' threads share them: training waited. From 4 cores each has its own.
  if ((await page.evaluate(() => navigator.hardwareConcurrency)) <= 3) {
    expect(after.count).toBeGreaterThan(before);
    expect(after.ms).toBeGreaterThan(0);
  } else expect(after.count).toBe(before);

  // The run went on after the map, and stops as usual.
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /Transfer/ }).click();
  const points = async () => Number(await page.getByTestId('loss-chart').getAttribute('data-points'));
  const held = await points();
  await expect.poll(points).toBeGreaterThan(held);
  await page.getByTestId('train-stop').click();
  await expect(page.getByTestId('last-run-info')).toContainText('stopped early', { timeout: 60_000 });
});
