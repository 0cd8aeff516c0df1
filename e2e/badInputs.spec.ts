/**
 * Bad inputs in the page (the "bad inputs" suite's browser half), the page ↔ CLI decoding parity
 * (EXIF, alpha, formats), and a soak: memory stays flat over many maps and runs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { dropFiles, FIXTURES, SHARED, useBackend } from './helpers';

const ROOT = resolve(import.meta.dirname, '..');
const EMBEDDED = join(ROOT, 'public/embedded/models/squeezenet1_1-caffe');

test.beforeEach(async ({ page }) => {
  await useBackend(page, 'wasm');
});

async function saliencyScreen(page: Page) {
  await page.goto('./?screen=saliency');
  await expect(page.getByTestId('saliency-model')).toContainText('SqueezeNet');
}

/** The page's top-5 for the active image: [class index, probability]. */
async function pageTop5(page: Page): Promise<[number, number][]> {
  const items = page.getByTestId('prediction-item');
  await expect(items.first()).toBeVisible();
  return items.evaluateAll((els) => els.slice(0, 5).map((e) => [Number(e.getAttribute('data-class-index')), Number(e.querySelector('.pred-prob')!.textContent!.replace('%', '')) / 100] as [number, number]));
}

test('the page and the CLI read EXIF, transparency, GIF, WebP and BMP the same way: same top-5, probabilities within 0.01', async ({ page }) => {
  test.setTimeout(240_000);
  await saliencyScreen(page);
  for (const name of ['cat-exif6.jpg', 'flamingo-alpha.png', 'flamingo.gif', 'flamingo.webp', 'flamingo.bmp']) {
    const file = join(FIXTURES, 'formats', name);
    const cli = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/predict.ts'), '--model', EMBEDDED, '--image', file, '--top', '5', '--json'], { cwd: ROOT, encoding: 'utf8' })) as { top: { index: number; prob: number }[] };
    await page.getByTestId('saliency-input').setInputFiles(file);
    await expect(page.getByTestId('map-info')).toContainText(name);
    const got = await pageTop5(page);
    expect(got.map(([i]) => i), name).toEqual(cli.top.map((p) => p.index));
    got.forEach(([, p], k) => expect(Math.abs(p - cli.top[k]!.prob), `${name} #${k + 1}`).toBeLessThan(0.01));
  }
});

test('a 49 MP photo is decoded off the main thread: no task on the page over 1.5× the 50 ms target while it decodes and its map is computed and drawn', async ({ page }) => {
  test.setTimeout(180_000);
  await saliencyScreen(page);
  await page.evaluate(() => {
    const w = window as unknown as { __long: number[] };
    w.__long = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__long.push(Math.round(e.duration));
    }).observe({ type: 'longtask' });
  });
  // Waited for inside the page, in one call: Playwright's expect() polls from outside, and each
  // poll is a script on this main thread (≈ 16 ms of CPU, 142 forced layouts) that a busy 2-core
  // host stretched to 50–120 ms — the observer counted the harness's own tasks (traced on an
  // AMD EPYC host, 2026-12-07: every task over 40 ms was a DevTools message).
  const done = page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const finished = () => !!document.querySelector('[data-testid="map-info"]')?.textContent?.includes('big-7000.png') && !document.querySelector('[data-testid="saliency-progress"]');
        const mo = new MutationObserver(() => {
          if (!finished()) return;
          mo.disconnect();
          resolve();
        });
        mo.observe(document.body, { childList: true, subtree: true, characterData: true });
      }),
  );
  await page.getByTestId('saliency-input').setInputFiles(join(FIXTURES, 'big-7000.png'));
  await done;
  await expect(page.getByTestId('map-info')).toContainText('big-7000.png');
  await expect(page.getByTestId('saliency-progress')).toBeHidden();
  const long = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
  console.log(`long tasks on the page while a 49 MP photo decoded and mapped: ${long.length ? long.join(', ') + ' ms' : 'none'}`);
  // A new result is drawn in React's background lane, one picture per component (SaliencyScreen,
  // MapPanels, CompareStrip), and the class picker's thousand options wait for the picker: traced
  // on the Intel host (2026-12-07), the longest task in the window is 13–24 ms; no run of 22 (8 with
  // a busy process beside) had a task over 50 ms. It was one 30–34 ms task that shared hosts stretched
  // to 50–86 ms, and before that a 700 ms freeze. The test fails at 1.5× the target, so a busy CI
  // host's stretch is tolerated; README's targets table has the traced figures.
  expect(long.filter((ms) => ms > 75), 'tasks over 75 ms (ms)').toEqual([]);
});

test('the model worker throws where nothing catches it: it is started again with the model, says so, and the next map comes', async ({ page }) => {
  await saliencyScreen(page);
  await page.getByTestId('sample-cat.jpg').click();
  await expect(page.getByTestId('map-info')).toContainText('cat.jpg', { timeout: 60_000 });
  await page.evaluate(() => (window as unknown as { transferlens: { simulateModelWorkerCrash(): Promise<unknown> } }).transferlens.simulateModelWorkerCrash());
  await expect(page.getByTestId('notice')).toContainText(/The model worker stopped \(.*simulated crash.*\) and was started again/, { timeout: 60_000 });
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-backend', 'wasm');
  await page.getByTestId('sample-owl.jpg').click();
  await expect(page.getByTestId('map-info')).toContainText('owl.jpg', { timeout: 60_000 });
  await expect(page.getByTestId('saliency-map')).toBeVisible();
});

/** Drops what a drag from another page brings when it brings no file: a link (text/uri-list) or text, on `target` (the page by default). */
async function dropData(page: Page, data: Record<string, string>, target = 'body') {
  await page.locator(target).evaluate((el, data) => {
    const dt = new DataTransfer();
    for (const [type, v] of Object.entries(data)) dt.setData(type, v);
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, data);
}

test('a picture dragged from another page brings only its link: fetched and mapped; a dead link, a web page or text get one clear message', async ({ page }) => {
  await saliencyScreen(page);
  const owl = new URL('embedded/sample-images/owl.jpg', page.url()).href;
  await dropData(page, { 'text/uri-list': owl, 'text/plain': owl });
  await expect(page.getByTestId('map-info')).toContainText('owl.jpg', { timeout: 60_000 });
  await expect(page.getByTestId('saliency-map')).toBeVisible();
  await dropData(page, { 'text/uri-list': 'http://127.0.0.1:1/cat.jpg' });
  await expect(page.getByTestId('error-message')).toContainText('could not load http://127.0.0.1:1/cat.jpg: its site does not let other pages fetch its images, or it cannot be reached. Save the image');
  await dropData(page, { 'text/uri-list': new URL('./', page.url()).href });
  await expect(page.getByTestId('error-message')).toContainText('is a web page, not an image');
  await dropData(page, { 'text/plain': 'a flamingo' });
  await expect(page.getByTestId('error-message')).toHaveText('That was text (“a flamingo”), not an image: drop a photo, or a link to one');
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.setData('text/plain', 'an owl');
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true }));
  });
  await expect(page.getByTestId('error-message')).toHaveText('That was text (“an owl”), not an image: paste a photo, or a link to one');
  // The owl's map is still there, and a copied image address pasted on the page is fetched too.
  await expect(page.getByTestId('saliency-map')).toBeVisible();
  const cat = new URL('embedded/sample-images/cat.jpg', page.url()).href;
  await page.evaluate((cat) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', cat);
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true }));
  }, cat);
  await expect(page.getByTestId('map-info')).toContainText('cat.jpg', { timeout: 60_000 });
  await expect(page.getByTestId('batch-grid')).toHaveCount(0); // in the owl's place
  // A pasted list of addresses, one per line, makes a grid; a dead one among them is named with the others mapped.
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', text);
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true }));
  }, `${owl}\n${cat}\nhttp://127.0.0.1:1/gone.jpg`);
  await expect(page.getByTestId('batch-grid').locator('.card-name')).toHaveText(['owl.jpg', 'cat.jpg'], { timeout: 60_000 });
  await expect(page.getByTestId('error-message')).toContainText('could not load http://127.0.0.1:1/gone.jpg');
  // On the models screen, a link dropped on "Try the model" is classified like a file.
  await page.goto('./?screen=models');
  await expect(page.getByTestId('classify-drop').getByRole('button')).toBeEnabled({ timeout: 60_000 });
  await dropData(page, { 'text/uri-list': owl }, '[data-testid="classify-drop"]');
  await expect(page.getByTestId('predictions').locator('li').first()).toContainText('owl', { timeout: 60_000 });
  await dropData(page, { 'text/uri-list': 'http://127.0.0.1:1/cat.jpg' }, '[data-testid="classify-drop"]');
  await expect(page.getByTestId('classify-error')).toContainText('could not load http://127.0.0.1:1/cat.jpg');
  // A photo's link on Open model is not read as a model (it said "model.json is not valid JSON (Unexpected token '�'…").
  await dropData(page, { 'text/uri-list': owl }, '.dropzone:has([data-testid="open-model-input"])');
  await expect(page.getByText('owl.jpg is not a model.json: drop the link of a TF.js model\'s model.json here, and a photo on Try the model')).toBeVisible();
  // On the studio's dataset zone, a manifest's link loads it; another link is answered.
  await page.goto('./?screen=transfer');
  await expect(page.getByTestId('transfer-model')).toContainText('SqueezeNet', { timeout: 60_000 });
  await dropData(page, { 'text/uri-list': owl }, '.dropzone:has([data-testid="dataset-input"])');
  await expect(page.getByTestId('dataset-error')).toContainText('owl.jpg is not a dataset manifest: drop a folder of class folders or a .zip');
  await dropData(page, { 'text/uri-list': new URL('datasets/sample-paintings/manifest.json', page.url()).href }, '.dropzone:has([data-testid="dataset-input"])');
  await expect(page.getByTestId('dataset-summary')).toContainText('280 images in 7 classes', { timeout: 60_000 });
});

test('a panorama is centre-cropped with a word: the note says how little of it the network sees', async ({ page }) => {
  await saliencyScreen(page);
  await page.getByTestId('sample-owl.jpg').click();
  await expect(page.getByTestId('map-info')).toContainText('owl.jpg', { timeout: 60_000 });
  await expect(page.getByTestId('crop-note')).toHaveCount(0);
  // A 6000×300 strip (20:1), drawn in the page and dropped as a PNG file.
  await page.evaluate(async () => {
    const c = new OffscreenCanvas(6000, 300);
    const g = c.getContext('2d')!;
    const grad = g.createLinearGradient(0, 0, 6000, 0);
    grad.addColorStop(0, '#1b4f72');
    grad.addColorStop(1, '#f5b041');
    g.fillStyle = grad;
    g.fillRect(0, 0, 6000, 300);
    const dt = new DataTransfer();
    dt.items.add(new File([await c.convertToBlob({ type: 'image/png' })], 'panorama.png', { type: 'image/png' }));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await expect(page.getByTestId('map-info')).toContainText('panorama.png', { timeout: 60_000 });
  await expect(page.getByTestId('crop-note')).toHaveText('The network sees only the middle 4 % of this 20:1 image (a square from its centre, less a thin border): crop the part you mean and drop that.');
});

test('a text file among several photos is named in the message; the photos still get their maps', async ({ page }) => {
  await saliencyScreen(page);
  await dropFiles(page, [join(SHARED, 'images/owl.jpg'), join(FIXTURES, 'not-an-image.jpg'), join(SHARED, 'images/flamingo.jpg')]);
  await expect(page.getByTestId('error-message')).toContainText('not-an-image.jpg');
  await expect(page.getByTestId('batch-grid').locator('li')).toHaveCount(2);
  // Two bad files: one line each under a count (they ran together as one sentence).
  await dropFiles(page, [join(FIXTURES, 'not-an-image.jpg'), join(FIXTURES, 'strip-5000x1.png')]);
  await expect(page.getByTestId('error-message')).toHaveText(/^2 files were left out:\s+• not-an-image\.jpg .*\s+• strip-5000x1\.png is too elongated/);
  await expect(page.getByTestId('error-message')).toHaveCSS('white-space', 'pre-line');
  // Read, then put away: the list no longer pushes the map down.
  await page.getByTestId('error-dismiss').click();
  await expect(page.getByTestId('error-message')).toBeHidden();
});

test('studio: a non-zip picked as a zip, and numbers out of range, each get one clear note', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('./?screen=transfer&lecture=1');
  await expect(page.getByTestId('transfer-model')).toContainText('SqueezeNet', { timeout: 60_000 });
  // Picked where a student sees the button: the answer, under the manifest fields, comes into view (it sat below the window's edge).
  await page.getByText('or a .zip…').scrollIntoViewIfNeeded();
  await page.getByTestId('dataset-zip').setInputFiles({ name: 'notes.zip', mimeType: 'application/zip', buffer: Buffer.from('just some text') });
  await expect(page.getByTestId('dataset-error')).toContainText('notes.zip is not a .zip archive');
  await expect(page.getByTestId('dataset-error')).toBeInViewport();
  // An empty folder (the picker hands over no files at all) gets an answer, not silence.
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  await page.getByTestId('dataset-input').setInputFiles(mkdtempSync(join(tmpdir(), 'tl-empty-')));
  await expect(page.getByTestId('dataset-error')).toContainText('That folder is empty: choose a folder with one sub-folder of images per class');
  // Beside the greyed-out Train too: in lecture mode the training panel comes first.
  await expect(page.getByTestId('train-start')).toBeDisabled();
  await expect(page.getByTestId('train-blocked')).toContainText('No dataset: That folder is empty');
  await page.getByTestId('epochs-input').fill('400');
  await expect(page.getByTestId('epochs-input')).toHaveValue('400');
  await page.getByTestId('epochs-input').fill('20000');
  await expect(page.getByTestId('recipe-note')).toContainText('Epochs: 20000 is outside [1, 10000]; using 10000');
  await page.getByTestId('epochs-input').blur();
  await expect(page.getByTestId('epochs-input')).toHaveValue('10000');
  await page.getByLabel('Dropout', { exact: true }).fill('1.5');
  await expect(page.getByTestId('recipe-note').last()).toContainText('using 0.95');
  // The note describes the field; its name stays "Dropout" (it became "Dropout Dropout: 1.5 is outside…").
  await expect(page.getByRole('spinbutton', { name: 'Dropout', exact: true })).toHaveAccessibleDescription(/^Dropout: 1\.5 is outside .*; using 0\.95$/);
  // A learning rate below the field's step is still a learning rate (Adam's usual 1e-4): kept, no note (it became 0.001).
  const lr = page.getByLabel('Learning rate', { exact: true });
  await lr.fill('0.0001');
  await lr.blur();
  await expect(lr).toHaveValue('0.0001');
  await expect(page.getByTestId('recipe-note').filter({ hasText: 'Learning rate' })).toHaveCount(0);
  // A fraction where a whole number is needed is said as such (it said "2.5 is outside [1, 10000]").
  const epochNote = page.getByTestId('recipe-note').filter({ hasText: 'Epochs' });
  await page.getByTestId('epochs-input').fill('2.5');
  await expect(epochNote).toHaveText('Epochs: 2.5 is not a whole number; using 3');
  // Back in the field, its note goes: it explained the last value typed, not the next.
  await page.getByTestId('epochs-input').blur();
  await page.getByTestId('epochs-input').focus();
  await expect(epochNote).toHaveCount(0);
});

test('studio: a folder of loose images is told to make one sub-folder per class', async ({ page }) => {
  await page.goto('./?screen=transfer');
  await expect(page.getByTestId('transfer-model')).toContainText('SqueezeNet', { timeout: 60_000 });
  const { copyFileSync, mkdirSync, mkdtempSync, readdirSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = join(mkdtempSync(join(tmpdir(), 'tl-loose-')), 'paintings');
  mkdirSync(dir);
  const baroque = join(ROOT, 'public/datasets/sample-paintings/Baroque');
  for (const f of readdirSync(baroque).slice(0, 6)) copyFileSync(join(baroque, f), join(dir, f));
  await page.getByTestId('dataset-input').setInputFiles(dir);
  await expect(page.getByTestId('dataset-warnings')).toContainText('only one class (paintings): a classifier needs at least two. Choose a folder that holds one sub-folder of images per class');
  await expect(page.getByTestId('train-start')).toBeDisabled();
});

test('soak: 15 saliency maps and 3 training runs with export leave tensors and heap flat in both workers', async ({ page }) => {
  test.setTimeout(300_000);
  await saliencyScreen(page);
  const memory = () => page.evaluate(() => (window as unknown as { transferlens: { memory(): Promise<{ model: { numTensors: number; backendBytes?: number }; train: { numTensors: number; backendBytes?: number } | null }> } }).transferlens.memory());
  const photos = ['flamingo.jpg', 'owl.jpg', 'cat.jpg', 'tabby.jpg', 'elephants.jpg'];
  const after: Awaited<ReturnType<typeof memory>>['model'][] = [];
  // A leak grows the heap map after map. Fragmentation alone makes one growth step (160 → 192 MB),
  // seen after map 5, around map 10 or as late as map 15, then flat over 25 maps). So: one step of
  // at most 32 MiB is allowed, and maps go on (at most 25) until four in a row leave the heap as it was.
  const flatTail = () => after.length >= 11 && new Set(after.slice(-4).map((m) => m.backendBytes)).size === 1;
  for (let i = 0; i < 25 && !flatTail(); i++) {
    const name = photos[i % photos.length]!;
    await page.getByTestId(`sample-${name}`).click();
    await expect(page.getByTestId('map-info')).toContainText(name);
    await expect(page.getByTestId('saliency-progress')).toBeHidden();
    // Each photo once first (the WASM heap grows to the maps' needs), then the heap after each map.
    if (i >= photos.length - 1) after.push((await memory()).model);
  }
  const heaps = after.map((m) => m.backendBytes!);
  const seen = `heap after maps 5–${after.length + 4}: ${heaps.join(', ')}`;
  console.log(`model worker after maps 5–${after.length + 4}: ${after.map((m) => `${m.numTensors} tensors / heap ${m.backendBytes}`).join('; ')}`);
  for (const m of after) expect(m.numTensors).toBe(after[0]!.numTensors);
  const steps = heaps.slice(1).map((h, k) => h - heaps[k]!).filter((d) => d !== 0);
  expect(steps.length, seen).toBeLessThanOrEqual(1);
  for (const d of steps) expect(d, seen).toBeLessThanOrEqual(32 * 1024 * 1024);
  expect(flatTail(), seen).toBe(true);

  await page.getByRole('button', { name: 'Transfer learning' }).click();
  await expect(page.getByTestId('transfer-model')).toContainText('SqueezeNet', { timeout: 60_000 });
  await page.getByTestId('manifest-url').fill(new URL('e2e-fixtures/wikiart-mini/manifest.json', page.url()).href);
  await page.getByTestId('manifest-load').click();
  await expect(page.getByTestId('dataset-summary')).toContainText('60 images in 3 classes');
  await page.getByTestId('epochs-input').fill('2');
  await page.getByLabel('Batch', { exact: true }).fill('8');
  page.on('download', () => undefined);
  const runs: { numTensors: number; backendBytes?: number }[] = [];
  for (let run = 1; run <= 3; run++) {
    await page.getByLabel('Seed', { exact: true }).fill(String(run));
    await page.getByTestId('train-start').click();
    // Saved runs count up as each run finishes (hidden in a closed <details>: count the items).
    await expect(page.getByTestId('saved-runs').locator('li')).toHaveCount(run, { timeout: 120_000 });
    await page.getByTestId('export-model').click();
    runs.push((await memory()).train!);
  }
  console.log(`training worker after runs 1–3: ${runs.map((r) => `${r.numTensors} tensors / heap ${r.backendBytes}`).join('; ')}`);
  expect(runs[2]!.numTensors).toBe(runs[0]!.numTensors);
  expect(runs[2]!.backendBytes).toBe(runs[0]!.backendBytes);
  expect(readFileSync(join(FIXTURES, 'not-an-image.jpg'), 'utf8')).toContain('text file'); // fixtures untouched
});

test.describe('the studio code cannot be fetched (a dead host, an old deployment)', () => {
  // The page's own fetches only: a service worker would answer from its precache.
  test.use({ serviceWorkers: 'block' });

  test('one clear message with Reload; the lessons and the saliency screen still work', async ({ page }) => {
    await page.route(/\/assets\/TransferScreen-[^/]*\.js$/, (r) => r.abort('connectionfailed'));
    await page.goto('./?screen=transfer');
    await expect(page.getByTestId('screen-load-error')).toContainText(/The transfer-learning studio could not be loaded \(.+\)\. The rest of TransferLens still works/);
    await expect(page.getByRole('button', { name: 'Reload' })).toBeVisible();
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Saliency maps' }).click();
    await expect(page.getByTestId('saliency-model')).toContainText('SqueezeNet', { timeout: 60_000 });
    await page.getByTestId('sample-owl.jpg').click();
    await expect(page.getByTestId('map-info')).toContainText('owl.jpg', { timeout: 60_000 });
  });
});
