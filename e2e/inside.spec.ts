/** Inside the network: the activation explorer (conv1 filters, a later layer's maps, the cache) on the real-weights SqueezeNet. */
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { dropFiles, SHARED, stdDev, useBackend } from './helpers';

test.beforeEach(async ({ page }) => {
  await useBackend(page, 'wasm');
  await page.goto('./?screen=saliency');
  await expect(page.getByTestId('saliency-model')).toContainText('SqueezeNet');
});

test('activation view: conv1 filters as RGB tiles and its maps, then a later layer, strongest channels first, cached per layer', async ({ page }) => {
  await dropFiles(page, [join(SHARED, 'images/flamingo.jpg')]);
  await expect(page.getByTestId('saliency-map')).toBeVisible();
  const view = page.getByTestId('activation-view');
  await view.locator('summary').click();
  await expect(page.getByTestId('activation-filters')).toHaveAttribute('data-count', '64');
  const filterPixels = await page
    .getByTestId('activation-filters')
    .locator('canvas')
    .evaluateAll((cs: HTMLCanvasElement[]) => cs.flatMap((c) => Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data)));
  expect(filterPixels.length).toBe(64 * 3 * 3 * 4);
  // Colour, not grey: red and blue differ across the filters.
  const rb = filterPixels.filter((_, i) => i % 4 === 0).map((r, k) => r - filterPixels[k * 4 + 2]!);
  expect(stdDev(rb)).toBeGreaterThan(20);
  await expect(page.getByTestId('activation-status')).toContainText(/64 channels of 111×111/);
  const maps = page.getByTestId('activation-maps');
  await expect(maps.locator('figure')).toHaveCount(48);

  await page.getByTestId('activation-layer').selectOption('fire9_concat');
  await expect(page.getByTestId('activation-status')).toContainText('512 channels of 13×13');
  await expect(page.getByTestId('activation-filters')).toHaveCount(0);
  const first = maps.locator('figure').first();
  const ch = Number(await first.getAttribute('data-channel'));
  expect(ch).toBeGreaterThanOrEqual(0);
  expect(ch).toBeLessThan(512);
  const tile = await first.locator('canvas').evaluate((c: HTMLCanvasElement) => Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data).filter((_, i) => i % 4 === 1));
  expect(tile).toHaveLength(13 * 13);
  expect(stdDev(tile)).toBeGreaterThan(5); // a map, not a flat tile

  await page.getByRole('button', { name: 'Previous layer' }).click();
  await expect(page.getByTestId('activation-layer')).toHaveValue('fire9_expand3x3');
  await expect(page.getByTestId('activation-status')).toContainText('256 channels of 13×13');

  // The pooled end of the net: units, not maps — and the strongest is the flamingo class (130).
  await page.getByTestId('activation-layer').selectOption('pool10');
  await expect(page.getByTestId('activation-units').locator('li')).toHaveCount(16);
  await expect(page.getByTestId('activation-units').locator('li').first()).toContainText('unit 130');

  // Back to conv1: served from the worker's cache.
  await page.getByTestId('activation-layer').selectOption('conv1');
  await expect(page.getByTestId('activation-status')).toContainText('(cached)');
});

test('webcam: Chromium’s fake camera → capture a frame → its predictions and map; nothing leaves the page; Close releases the camera', async ({ page }) => {
  const sent: string[] = [];
  const origin = new URL(page.url()).origin;
  page.on('request', (r) => {
    // blob: URLs are the page's own memory (the thumbnail); anything else must be a GET of the app itself.
    if (/^(blob|data):/.test(r.url())) return;
    if (r.method() !== 'GET' || !r.url().startsWith(origin)) sent.push(`${r.method()} ${r.url()}`);
  });
  await page.getByTestId('webcam-open').click();
  const video = page.getByTestId('webcam-video');
  await expect(video).toBeVisible();
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
  await page.getByTestId('webcam-capture').click();
  await expect(page.getByTestId('saliency-map')).toBeVisible();
  await expect(page.getByTestId('map-info')).toContainText(/camera \d{2}:\d{2}:\d{2}\.jpg/);
  await expect(page.getByTestId('prediction-item').first()).toBeVisible();
  const live = await video.evaluate((v: HTMLVideoElement) => (v.srcObject as MediaStream).getVideoTracks()[0]!.readyState);
  expect(live).toBe('live');
  // Keep a handle on the track to see it stopped after Close.
  await video.evaluate((v: HTMLVideoElement) => ((window as unknown as { __track: MediaStreamTrack }).__track = (v.srcObject as MediaStream).getVideoTracks()[0]!));
  await page.getByTestId('webcam-close').click();
  await expect(video).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __track: MediaStreamTrack }).__track.readyState)).toBe('ended');
  expect(sent).toEqual([]);
});

test('webcam refused: one clear message, and photos still work', async ({ page }) => {
  await page.evaluate(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  });
  await page.getByTestId('webcam-open').click();
  await expect(page.getByTestId('webcam-error')).toContainText('not allowed');
  await dropFiles(page, [join(SHARED, 'images/owl.jpg')]);
  await expect(page.getByTestId('saliency-map')).toBeVisible();
});
