import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { FIXTURES, SHARED, progressLog, recordProgress, useBackend } from './helpers';

test('the app opens with both lessons and a working backend chosen automatically', async ({ page }) => {
  await useBackend(page, 'auto');
  await page.goto('./');
  await expect(page.getByRole('heading', { name: 'TransferLens' })).toBeVisible();
  await expect(page.getByTestId('lesson-saliency')).toBeVisible();
  await expect(page.getByTestId('lesson-transfer')).toBeVisible();
  const chip = page.getByTestId('backend-chip');
  await expect(chip).toHaveText(/GPU|CPU/);
  // Headless Chromium here only has software GPUs: automatic selection must say why it passed them over.
  await chip.click();
  await expect(page.getByText(/skipped: software-emulated GPU/).first()).toBeVisible();
  await page.getByTestId('lesson-saliency').click();
  await expect(page.getByTestId('screen-saliency')).toBeVisible();
  await expect(page).toHaveURL(/screen=saliency/);
});

test('the real-weights SqueezeNet loads from public/models with progress, classifies, then loads from the cache', async ({ page }) => {
  await useBackend(page, 'wasm');
  await page.goto('./?screen=models');
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-backend', 'wasm');
  await page.getByTestId('model-select').selectOption('squeezenet1_1-caffe');
  await recordProgress(page);
  await page.getByTestId('model-load').click();
  await expect(page.getByTestId('model-info')).toBeVisible();
  await expect(page.getByTestId('model-arch')).toHaveText('squeezenet1_1');
  await expect(page.getByTestId('model-from')).toContainText('from the network');
  const log = await progressLog(page);
  expect(log.length).toBeGreaterThan(0);
  expect(log.some((t) => /MB|kB|starting/.test(t))).toBe(true);

  await page.getByTestId('classify-input').setInputFiles(join(SHARED, 'images/flamingo.jpg'));
  await expect(page.getByTestId('predictions').locator('li').first()).toContainText('flamingo');
  await page.getByTestId('classify-input').setInputFiles(join(SHARED, 'images/doberman.png'));
  await expect(page.getByTestId('predictions')).toContainText('Doberman');

  await page.reload();
  await page.getByTestId('model-select').selectOption('squeezenet1_1-caffe');
  await page.getByTestId('model-load').click();
  await expect(page.getByTestId('model-from')).toContainText('from the browser cache');
  await page.getByTestId('clear-cache').click();
});

test('the Models page opened first classifies at once: the built-in model loads for the first image, which is shown beside its top-5', async ({ page }) => {
  await useBackend(page, 'wasm');
  await page.goto('./?screen=models');
  await expect(page.getByTestId('classify-drop')).toContainText(/or drop a photo here: SqueezeNet .* loads first/);
  await page.getByTestId('classify-input').setInputFiles(join(SHARED, 'images/owl.jpg'));
  await expect(page.getByTestId('predictions').locator('li').first()).toContainText('owl', { timeout: 60_000 });
  await expect(page.getByTestId('model-info')).toBeVisible();
  await expect(page.getByTestId('classified-image')).toHaveAttribute('alt', 'The image classified: owl.jpg');
  expect(await page.getByTestId('classified-image').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
});

test('broken models and bad images get clear messages and the app keeps working', async ({ page }) => {
  await useBackend(page, 'wasm');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('./?screen=models&lecture=1');
  await page.getByTestId('model-select').selectOption('squeezenet1_1-caffe');
  // From the keyboard on a projector: the loaded model's details come into view with the focus (it fell to the page, the details below the window).
  await expect(page.getByTestId('model-load')).toBeEnabled({ timeout: 60_000 }); // once the backend is up
  await page.getByTestId('model-load').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('model-info')).toBeVisible();
  await expect(page.locator('#model-info-h')).toBeFocused();
  await expect(page.locator('#model-info-h')).toBeInViewport();

  const url = page.getByTestId('model-url-input');
  const cases: [string, RegExp][] = [
    ['e2e-fixtures/missing-shard/model.json', /weight file group1-shard1of1\.bin is missing/],
    ['e2e-fixtures/bad-json/model.json', /not valid JSON/],
    ['e2e-fixtures/wrong-shapes/model.json', /do not match|shape/i],
    ['e2e-fixtures/nowhere/model.json', /404|web page/],
    // A photo's address given for a model (it said: not valid JSON (Unexpected token '�', "����JFIF"…).
    ['embedded/sample-images/owl.jpg', /owl\.jpg is not model\.json text: it looks like a binary file/],
  ];
  for (const [path, msg] of cases) {
    await url.fill(new URL(path, page.url()).href);
    await page.getByTestId('model-url-load').click();
    await expect(page.getByTestId('model-error')).toContainText(msg);
  }
  // The same mistakes with picked files (the browser's loader hung the worker on a truncated
  // model.json, and loaded model.json alone with every weight zero).
  const { readFileSync } = await import('node:fs');
  const dir = join(import.meta.dirname, '../public/embedded/models/squeezenet1_1-caffe');
  const json = readFileSync(join(dir, 'model.json'));
  const shard = readFileSync(join(dir, 'group1-shard1of1.bin'));
  const pick = (name: string, buffer: Buffer) => ({ name, mimeType: 'application/octet-stream', buffer });
  const picked: [ReturnType<typeof pick>[], RegExp][] = [
    // A photo picked for a model is named.
    [[pick('owl.jpg', Buffer.from([0xff, 0xd8, 0xff]))], /The model could not be loaded: owl\.jpg is not a TF\.js model: pick the model\.json together with its weight files/],
    [[pick('model.json', json.subarray(0, 40)), pick('group1-shard1of1.bin', shard)], /model\.json is not valid JSON/],
    [[pick('model.json', Buffer.from('{"hello":1}')), pick('group1-shard1of1.bin', shard)], /model\.json has no modelTopology: not a TF\.js layers model/],
    [[pick('model.json', json)], /weight file group1-shard1of1\.bin was not picked/],
    [[pick('model.json', json), pick('group1-shard1of1.bin', Buffer.concat([shard, Buffer.alloc(1000)]))], new RegExp(`hold ${shard.length + 1000} bytes but model\\.json describes ${shard.length}`)],
  ];
  for (const [files, msg] of picked) {
    await page.getByTestId('open-model-input').setInputFiles(files);
    await expect(page.getByTestId('model-error')).toContainText(msg);
    await expect(page.getByTestId('model-error')).toBeFocused();
    await expect(page.getByTestId('model-error')).toContainText(/SqueezeNet 1\.1.* is still loaded and in use/);
  }
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-backend', 'wasm');
  // The same model picked whole loads, named by its metadata (it was "model", after model.json).
  await page.getByTestId('open-model-input').setInputFiles([pick('model.json', json), pick('group1-shard1of1.bin', shard)]);
  await expect(page.getByTestId('model-from')).toContainText('your files');
  await page.getByTestId('open-model-input').setInputFiles([pick('model.json', json)]);
  await expect(page.getByTestId('model-error')).toContainText(/^.*SqueezeNet 1\.1 \(ImageNet.* is still loaded and in use/);
  // The SqueezeNet is still loaded and still works.
  await expect(page.getByTestId('model-arch')).toHaveText('squeezenet1_1');
  await page.getByTestId('classify-input').setInputFiles(join(FIXTURES, 'not-an-image.jpg'));
  await expect(page.getByTestId('classify-error')).toContainText(/not an image/);
  await page.getByTestId('classify-input').setInputFiles(join(FIXTURES, 'huge-12000.png'));
  await expect(page.getByTestId('classify-error')).toContainText(/too large: 12000×12000/);
  await page.getByTestId('classify-input').setInputFiles(join(SHARED, 'images/cat.jpg'));
  await expect(page.getByTestId('predictions')).toContainText(/cat/);
});

test('a plain TF.js model without metadata loads from disk with editable defaults', async ({ page }) => {
  await useBackend(page, 'wasm');
  await page.goto('./?screen=models');
  const dir = join(SHARED, 'models/darknet-tiny');
  const { readdirSync } = await import('node:fs');
  // Every file of the folder, as a user selects them: its shards have no extension (older converters), and a LICENSE sits beside them.
  // (Only .json and .bin were picked here before, and the browser's loader took model.json alone with every weight at zero.)
  const files = readdirSync(dir).map((f) => join(dir, f));
  await page.getByTestId('open-model-input').setInputFiles(files);
  await expect(page.getByTestId('model-info')).toBeVisible();
  await expect(page.getByTestId('model-from')).toContainText('your files');
  const editor = page.getByTestId('meta-editor');
  await expect(editor).toContainText('no TransferLens metadata');
  await expect(page.getByTestId('meta-preprocess')).toHaveValue('unit');
  await page.getByTestId('classify-input').setInputFiles(join(SHARED, 'images/owl.jpg'));
  await expect(page.getByTestId('predictions').locator('li')).toHaveCount(5);
  await expect(page.getByTestId('predictions')).toContainText('class ');
  // A label file with the wrong count is refused, not half-applied.
  await page.getByTestId('meta-labels').setInputFiles({ name: 'labels.txt', mimeType: 'text/plain', buffer: Buffer.from('a\nb\n') });
  await expect(editor.getByRole('alert')).toContainText('2 names but the model has 1000 outputs');
});

test('the WebGPU code path runs a tiny model when the user picks WebGPU', async ({ page }) => {
  await useBackend(page, 'webgpu');
  await page.goto('./?screen=models');
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-backend', 'webgpu', { timeout: 90_000 });
  await page.getByTestId('model-url-input').fill(new URL('e2e-fixtures/tiny/model.json', page.url()).href);
  await page.getByTestId('model-url-load').click();
  await expect(page.getByTestId('model-arch')).toHaveText('tiny');
  await page.getByTestId('classify-input').setInputFiles(join(FIXTURES, 'red.png'));
  await expect(page.getByTestId('predictions').locator('li')).toHaveCount(3);
  await expect(page.getByTestId('predictions')).toContainText(/red|green|blue/);
  await expect(page.getByText(/on webgpu/)).toBeVisible();
});

/** Loads a fixture model on the models screen, classifies red.png, returns the predictions' exact probabilities by class. */
async function probsFor(page: import('@playwright/test').Page, fixture: string): Promise<Record<string, number>> {
  await page.getByTestId('model-url-input').fill(new URL(`e2e-fixtures/${fixture}/model.json`, page.url()).href);
  await page.getByTestId('model-url-load').click();
  await expect(page.getByTestId('model-arch')).toHaveText(fixture, { timeout: 120_000 });
  await page.getByTestId('classify-input').setInputFiles(join(FIXTURES, 'red.png'));
  const items = page.getByTestId('predictions').getByTestId('prediction-item');
  await expect(items).toHaveCount(3, { timeout: 120_000 });
  const out: Record<string, number> = {};
  for (const li of await items.all()) out[(await li.getAttribute('data-class-index'))!] = Number(await li.getAttribute('data-prob'));
  return out;
}

test('on a GPU with the smallest buffers WebGPU guarantees (128 MiB), a 138 MB dense layer runs split, with the predictions WebAssembly gives', async ({ browser }) => {
  const wasm = await browser.newPage();
  await useBackend(wasm, 'wasm');
  await wasm.goto('./?screen=models');
  const reference = await probsFor(wasm, 'wide');
  await expect(wasm.getByText(/runs split/)).toHaveCount(0);
  await wasm.close();

  const gpu = await browser.newPage();
  await useBackend(gpu, 'webgpu');
  await gpu.addInitScript(() => localStorage.setItem('transferlens.gpuLimits', 'minimum'));
  await gpu.goto('./?screen=models');
  const chip = gpu.getByTestId('backend-chip');
  await expect(chip).toHaveAttribute('data-backend', 'webgpu', { timeout: 90_000 });
  await chip.click();
  await expect(gpu.getByText(/buffers up to 134 MB/).first()).toBeVisible();
  await gpu.keyboard.press('Escape');
  const split = await probsFor(gpu, 'wide');
  expect(Object.keys(split).sort()).toEqual(Object.keys(reference).sort());
  for (const k of Object.keys(reference)) expect(Math.abs(split[k]! - reference[k]!), JSON.stringify({ split, reference })).toBeLessThan(1e-4);
  await expect(gpu.getByText('This GPU holds at most 134 MB in one buffer, so fc6 (138 MB) in 2 parts runs split; results are the same')).toBeVisible();
  await gpu.close();
});

test('with nothing installed (no models/index.json, as on a fresh offline clone) the embedded SqueezeNet classifies a sample, draws its map, and trains on a dropped folder', async ({ page }) => {
  await useBackend(page, 'wasm');
  await page.route('**/models/index.json', (r) => r.fulfill({ status: 404, body: 'not found' }));
  await page.route('**/datasets/index.json', (r) => r.fulfill({ status: 404, body: 'not found' }));
  await page.goto('./?screen=saliency');
  await expect(page.getByTestId('saliency-model')).toContainText('SqueezeNet 1.1 (ImageNet, original Caffe weights)');
  await page.getByTestId('sample-flamingo.jpg').click();
  await expect(page.getByTestId('prediction-item').first()).toHaveAttribute('data-class-index', '130');
  await expect(page.getByTestId('saliency-map')).toBeVisible();
  await page.getByRole('button', { name: 'Transfer learning' }).click();
  await expect(page.getByTestId('transfer-model')).toContainText('SqueezeNet', { timeout: 60_000 });
  await page.getByTestId('dataset-input').setInputFiles(join(FIXTURES, 'wikiart-mini'));
  await expect(page.getByTestId('dataset-summary')).toContainText('60 images in 3 classes');
  await page.getByTestId('epochs-input').fill('2');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('epoch-row')).toHaveCount(2, { timeout: 120_000 });
});
