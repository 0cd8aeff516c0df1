/**
 * The course's model without a wait: the lesson starts on the small built-in model, the course's
 * model downloads in the background on request (size and progress shown, maps meanwhile), and the
 * lesson switches to it when it is there. The "course models" here are stand-ins (the built-in
 * SqueezeNet's files under another URL, its metadata naming VGG16 / AlexNet), served slowly.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { useBackend } from './helpers';

const DIR = join(import.meta.dirname, '../public/embedded/models/squeezenet1_1-caffe');
const BYTES = 2470992 + 1; // one byte more than the built-in model, so the lesson still starts on it

async function standIns(page: Page) {
  await page.route('**/models/index.json', async (route) => {
    const res = await route.fetch();
    const json = (await res.json()) as { models: unknown[] };
    json.models.push(
      { id: 'vgg16-standin', name: 'VGG16 (stand-in)', arch: 'vgg16', url: 'standin/vgg16/model.json', bytes: BYTES, quantize: 'float16', source: 'test' },
      { id: 'alexnet-standin', name: 'AlexNet (stand-in)', arch: 'alexnet', url: 'standin/alexnet/model.json', bytes: BYTES, quantize: 'float16', source: 'test' },
    );
    await route.fulfill({ response: res, json });
  });
  await page.route('**/standin/*/*', async (route) => {
    const url = new URL(route.request().url());
    const arch = url.pathname.split('/').at(-2)!;
    if (url.pathname.endsWith('model.json')) {
      const json = JSON.parse(readFileSync(join(DIR, 'model.json'), 'utf8'));
      Object.assign(json.userDefinedMetadata.transferlens, { arch, name: `${arch === 'vgg16' ? 'VGG16' : 'AlexNet'} (stand-in)` });
      return route.fulfill({ json });
    }
    await new Promise((r) => setTimeout(r, 2500)); // a slow lecture-hall network: long enough to see the progress
    return route.fulfill({ body: readFileSync(join(DIR, 'group1-shard1of1.bin')), contentType: 'application/octet-stream' });
  });
}

test('saliency: starts on the built-in model, fetches the course model in the background with progress, then its maps', async ({ page }) => {
  await useBackend(page, 'wasm');
  await standIns(page);
  await page.goto('./');
  await page.getByTestId('lesson-saliency').click();
  await expect(page.getByTestId('saliency-map')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('saliency-model')).toHaveAttribute('data-model', /SqueezeNet/);
  await expect(page.getByTestId('course-fetch')).toContainText(/Get the course's VGG16 \(stand-in\) \(2\.\d MB\) in the background/);
  await page.getByTestId('course-fetch').click();
  await expect(page.getByTestId('course-progress')).toContainText(/of 2\.\d MB — the lesson goes on meanwhile/);
  // The page keeps working while it downloads: another sample gets its map from the built-in model.
  await page.getByTestId('sample-owl.jpg').click();
  await expect(page.getByTestId('map-info')).toContainText('owl.jpg');
  await expect(page.getByTestId('saliency-model')).toHaveAttribute('data-model', 'VGG16 (stand-in)', { timeout: 60_000 });
  await expect(page.getByTestId('saliency-model')).toContainText('VGG16 (stand-in)');
  await expect(page.getByTestId('notice')).toContainText('the maps are now drawn by it');
  await expect(page.getByTestId('saliency-map')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('course-fetch')).toHaveCount(0);
});

test('studio: the course AlexNet in the background, then the studio fine-tunes it', async ({ page }) => {
  await useBackend(page, 'wasm');
  await standIns(page);
  await page.goto('./');
  await page.getByTestId('lesson-transfer').click();
  await expect(page.getByTestId('transfer-model')).toContainText('SqueezeNet', { timeout: 60_000 });
  await page.getByTestId('course-fetch').click();
  await expect(page.getByTestId('transfer-model')).toContainText('AlexNet (stand-in)', { timeout: 60_000 });
  await expect(page.getByTestId('notice')).toContainText('the studio now fine-tunes it');
});
