import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { FIXTURES, paintingsFolder, pickFolder, SHARED, trainOneEpoch, useBackend } from './helpers';

test.beforeEach(async ({ page }) => {
  await useBackend(page, 'wasm');
});

async function loadMini(page: import('@playwright/test').Page) {
  await page.goto('./?screen=transfer');
  await expect(page.getByTestId('transfer-model')).toContainText('SqueezeNet', { timeout: 60_000 });
  await page.getByTestId('manifest-url').fill(new URL('e2e-fixtures/wikiart-mini/manifest.json', page.url()).href);
  await page.getByTestId('manifest-load').click();
  await expect(page.getByTestId('dataset-summary')).toContainText('60 images in 3 classes');
}

test('fine-tune on a loopback manifest in the worker: live curves, a responsive page, confusion matrix, export, cache reuse, runs kept', async ({ page }) => {
  await loadMini(page);
  await page.getByTestId('epochs-input').fill('2');
  await page.getByLabel('Batch', { exact: true }).fill('8');
  await expect(page.getByTestId('strategy-select')).toHaveValue('fc8');
  // Before any run, the epoch chart's place says what will appear there.
  await expect(page.getByTestId('epoch-chart-empty')).toContainText('No run yet');

  // While a run lives in its worker, leaving the page (a reload, a closed tab) asks first.
  const leaving = () => page.evaluate(() => !window.dispatchEvent(new Event('beforeunload', { cancelable: true })));
  expect(await leaving()).toBe(false);
  const t0 = Date.now();
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-progress')).toBeVisible();
  expect(await leaving()).toBe(true);
  // The main thread is free while the worker trains: a click on another control is handled at once.
  await page.getByText(/^Layer table/).click();
  await expect(page.locator('details:has(table.layers)')).toHaveAttribute('open', '');
  await expect(page.getByTestId('train-stop')).toBeEnabled();
  await expect.poll(async () => Number(await page.getByTestId('loss-chart').getAttribute('data-points'))).toBeGreaterThan(0);
  await expect(page.getByTestId('epoch-row')).toHaveCount(2, { timeout: 120_000 });
  await expect(page.getByTestId('confusion-matrix')).toBeVisible();
  const firstMs = Date.now() - t0;
  await expect(page.getByTestId('last-run-info')).toContainText(/features computed in/);
  expect(await leaving()).toBe(false);
  // Runs are named in the model's own layers: SqueezeNet's last layer is conv10, not "fc8".
  await expect(page.getByTestId('run-legend')).toContainText(/New conv10 only · sgd lr/);
  await expect(page.getByTestId('feature-cache-status')).toContainText('cached: 60 images');
  const acc = Number(await page.getByTestId('epoch-row').last().getAttribute('data-val-acc'));
  expect(acc).toBeGreaterThanOrEqual(0);
  expect(acc).toBeLessThanOrEqual(1);
  await expect(page.getByTestId('loss-chart').locator('path.recharts-curve').first()).toBeVisible();

  const downloads: import('@playwright/test').Download[] = [];
  page.on('download', (d) => downloads.push(d));
  await page.getByTestId('export-model').click();
  await expect.poll(() => downloads.map((d) => d.suggestedFilename())).toEqual(['model.json', 'group1-shard1of1.bin']);
  // The browser may save them silently: the page says what went where, and how to open it again.
  await expect(page.getByTestId('notice')).toContainText(/Exported the best validation epoch's model to your downloads: model\.json, group1-shard1of1\.bin \(\d+(\.\d)? (kB|MB)\)/);
  await page.getByTestId('acc-chart').getByRole('button', { name: 'PNG' }).click();
  await expect.poll(() => downloads.map((d) => d.suggestedFilename())).toContain('transferlens-accuracy.png');
  const chart = downloads.find((d) => d.suggestedFilename() === 'transferlens-accuracy.png')!;
  const { readFileSync } = await import('node:fs');
  expect(readFileSync((await chart.path())!).subarray(1, 4).toString()).toBe('PNG');

  // A second run (another seed, with mixup) reuses the cached trunk features, and says so; the comparison names mixup.
  await page.getByLabel('Seed', { exact: true }).fill('1');
  await page.getByTestId('mixup-input').fill('0.4');
  const t1 = Date.now();
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('last-run-info')).toContainText('from the cache', { timeout: 120_000 });
  const secondMs = Date.now() - t1;
  console.log(`first run ${firstMs} ms, second run (feature cache) ${secondMs} ms`);
  expect(secondMs).toBeLessThan(firstMs);
  await expect(page.getByTestId('run-legend')).toContainText('mixup α 0.4');
  await expect(page.getByTestId('same-curve')).toHaveCount(0); // another seed: its own line

  // Try it: the fine-tuned model explains a painting on the saliency screen.
  await page.getByTestId('try-model').click();
  await expect(page.getByTestId('saliency-model')).toContainText('fine-tuned on wikiart-mini (New conv10 only)', { timeout: 60_000 });
  // At once, a held-back painting (named by its true style) with the styles predicted and a map.
  await expect(page.getByTestId('map-truth')).toContainText(/True style: (Baroque|Impressionism|Symbolism) · /, { timeout: 60_000 });
  // Its file beside the map (its style is on the line below: "Baroque · …" did not fit the projector's line); the whole name on hover.
  await expect(page.getByTestId('map-info').locator('.file')).toHaveText(/^[^·]+\.jpg$/);
  await expect(page.getByTestId('map-info')).toHaveAttribute('title', /^(Baroque|Impressionism|Symbolism) · .+\.jpg$/);
  await page.getByTestId('saliency-input').setInputFiles(join(SHARED, 'datasets/wikiart7/Baroque/1_0.jpg'));
  await expect(page.getByTestId('saliency-predictions').locator('li')).toHaveCount(3);
  await expect(page.getByTestId('saliency-predictions')).toContainText(/Baroque|Impressionism|Symbolism/);
  await expect(page.getByTestId('saliency-map')).toBeVisible();
  // The dataset's paintings are the samples now, and one click goes back to the ImageNet model.
  await expect(page.getByTestId('painting-samples').locator('button')).toHaveCount(6);
  await expect(page.getByTestId('painting-samples')).toHaveAttribute('aria-label', /^Held-back paintings of .* \(not trained on\)$/);
  await page.getByTestId('painting-samples').locator('button').first().click();
  await expect(page.getByTestId('map-info')).toHaveAttribute('title', /^Baroque · /);
  // Its true style beside the prediction, marked right or wrong against the top-1 shown.
  const truth = page.getByTestId('map-truth');
  await expect(truth).toContainText('True style: Baroque · ');
  const top1 = ((await page.getByTestId('saliency-predictions').locator('.pred-pick').first().textContent()) ?? '').replace(/\u200b/g, '');
  await expect(truth).toHaveAttribute('data-right', String(top1 === 'Baroque'));
  await expect(truth).toContainText(top1 === 'Baroque' ? '✓ the top-1 is right' : `✗ the top-1 is ${top1}`);
  // A photo of the user's own has no truth to show.
  await page.getByTestId('saliency-input').setInputFiles(join(SHARED, 'datasets/wikiart7/Baroque/1_0.jpg'));
  await expect(page.getByTestId('map-info')).toContainText('1_0.jpg');
  await expect(truth).toHaveCount(0);
  // Inside the fine-tuned network: its conv1 filters and, at its new classifier, one unit per style.
  await page.getByTestId('activation-view').locator('summary').click();
  await expect(page.getByTestId('activation-filters')).toHaveAttribute('data-count', '64');
  await page.getByTestId('activation-layer').selectOption({ index: (await page.getByTestId('activation-layer').locator('option').count()) - 1 });
  await expect(page.getByTestId('activation-status')).toContainText(/^3 (units|channels)/);
  await page.getByTestId('activation-view').locator('summary').click();
  await page.getByTestId('back-to-imagenet').click();
  await expect(page.getByTestId('saliency-model')).toContainText('SqueezeNet 1.1 (ImageNet', { timeout: 60_000 });
  await expect(page.getByTestId('sample-flamingo.jpg')).toBeVisible();
  await page.getByRole('button', { name: 'Transfer learning' }).click();

  // The feature space of the last run: one point per painting.
  await page.getByTestId('embedding-start').click();
  await expect(page.getByTestId('embedding-plot')).toHaveAttribute('data-points', '60', { timeout: 60_000 });
  await expect(page.getByTestId('embedding-plot').locator('.recharts-symbols')).toHaveCount(60);
  // Beside it, what the fine-tuned head makes of the same paintings; then both by UMAP.
  await expect(page.getByTestId('embedding-plot-head')).toHaveAttribute('data-points', '60');
  await expect(page.getByTestId('embedding-plot-head')).toContainText('After training');
  // From the keyboard: Tab reaches the plot, the arrows go from painting to painting, the one reached is
  // ringed in both plots and named below them; Escape lets it go.
  await page.getByTestId('embedding-umap').focus();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('embedding-plot').locator('.embedding-keys')).toBeFocused();
  const chosen = page.getByTestId('embedding-chosen');
  await page.keyboard.press('ArrowRight');
  await expect(chosen).toHaveAttribute('data-source', /.+/);
  await expect(chosen).toContainText(/(training|validation) painting/);
  await expect(page.locator('.embedding-ring')).toHaveCount(2);
  const seen = new Set([await chosen.getAttribute('data-source')]);
  for (const key of ['ArrowRight', 'ArrowUp', 'ArrowLeft', 'ArrowDown', 'ArrowRight', 'ArrowDown']) {
    await page.keyboard.press(key);
    seen.add(await chosen.getAttribute('data-source'));
  }
  expect(seen.size).toBeGreaterThan(1);
  await expect(page.getByTestId('embedding-plot').locator('.recharts-symbols')).toHaveCount(60); // the ring is not a painting
  await page.keyboard.press('Escape');
  await expect(page.locator('.embedding-ring')).toHaveCount(0);
  await expect(chosen).not.toHaveAttribute('data-source', /.+/);
  await page.getByTestId('embedding-umap').click();
  await expect(page.getByTestId('embedding-plot-head')).toHaveAttribute('data-method', 'umap', { timeout: 60_000 });
  await expect(page.getByTestId('embedding-plot')).toHaveAttribute('data-method', 'umap');
  await expect(page.getByTestId('embedding-plot').locator('.recharts-symbols')).toHaveCount(60);

  // Runs survive a reload.
  await page.reload();
  await expect(page.getByText(/Saved runs \(2\)/)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('epoch-row')).toHaveCount(2);
  // Its figures came back, its trained head did not: no Try it or Export that would do nothing.
  await expect(page.getByTestId('run-not-held')).toContainText('Train again to try it or export it');
  // The loss chart shows that run's batches too, as the epoch chart beside it does (it said "No run yet").
  await expect(page.getByTestId('loss-chart')).not.toHaveAttribute('data-points', '0');
  await expect(page.getByTestId('loss-chart').locator('path.recharts-curve').first()).toBeVisible();
  await expect(page.getByTestId('confusion-matrix')).toBeVisible();
  await expect(page.getByTestId('try-model')).toHaveCount(0);
  await expect(page.getByTestId('export-model')).toHaveCount(0);
  await expect(page.getByTestId('embedding-start')).toHaveCount(0);
});

test('a one-class dataset is explained and cannot be trained; a bad manifest URL gets a message', async ({ page }) => {
  await page.goto('./?screen=transfer');
  await expect(page.getByTestId('transfer-model')).toContainText('SqueezeNet', { timeout: 60_000 });
  await page.getByTestId('manifest-url').fill(new URL('e2e-fixtures/one-class.json', page.url()).href);
  await page.getByTestId('manifest-load').click();
  await expect(page.getByTestId('dataset-warnings')).toContainText('only one class (Baroque)');
  await expect(page.getByTestId('train-start')).toBeDisabled();
  await expect(page.getByTestId('train-blocked')).toContainText('has images in one class only: a classifier needs at least two');
  // One message: the batch (128, larger than these few paintings) is not what stops Train, and is not brought up.
  await expect(page.getByTestId('train-blocked')).toHaveClass('warning');
  await expect(page.getByTestId('batch-warning')).toBeHidden();
  await page.getByTestId('manifest-url').fill(new URL('e2e-fixtures/nowhere.json', page.url()).href);
  await page.getByTestId('manifest-load').click();
  await expect(page.getByTestId('dataset-error')).toBeVisible();
  // A dead host: the address, not a bare "Failed to fetch".
  await page.getByTestId('manifest-url').fill('http://127.0.0.1:1/manifest.json');
  await page.getByTestId('manifest-load').click();
  await expect(page.getByTestId('dataset-error')).toContainText('could not reach http://127.0.0.1:1/manifest.json');
});

test('also unfreezing the last conv block: the layer table says so, and a run trains and exports', async ({ page }) => {
  await loadMini(page);
  await page.getByTestId('epochs-input').fill('1');
  await page.getByLabel('Batch', { exact: true }).fill('8');
  await page.getByTestId('unfreeze-block').check();
  await page.getByText(/^Layer table/).click();
  await expect(page.locator('table.layers tr', { hasText: 'fire9_expand3x3' })).toContainText('trainable');
  await expect(page.locator('table.layers tr', { hasText: 'fire2_squeeze' })).toContainText('frozen');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('epoch-row')).toHaveCount(1, { timeout: 120_000 });
  await expect(page.getByTestId('confusion-matrix')).toBeVisible();
  const downloads: import('@playwright/test').Download[] = [];
  page.on('download', (d) => downloads.push(d));
  await page.getByTestId('export-model').click();
  await expect.poll(() => downloads.map((d) => d.suggestedFilename())).toContain('model.json');
});

test('a folder of class folders and a .zip load as datasets; non-images are skipped and counted', async ({ page }) => {
  await page.goto('./?screen=transfer');
  await expect(page.getByTestId('transfer-model')).toContainText('SqueezeNet', { timeout: 60_000 });
  await page.getByTestId('dataset-zip').setInputFiles(join(FIXTURES, 'wikiart-mini.zip'));
  await expect(page.getByTestId('dataset-summary')).toContainText('60 images in 3 classes');
  await expect(page.getByTestId('dataset-warnings')).toContainText('1 skipped: not an image');
  await page.getByTestId('dataset-input').setInputFiles(join(FIXTURES, 'wikiart-mini'));
  await expect(page.getByTestId('dataset-summary')).toContainText('wikiart-mini: 60 images in 3 classes');
  await expect(page.getByTestId('dataset-warnings')).toContainText('1 skipped: not an image'); // manifest.json
  await expect(page.getByTestId('dataset-summary').locator('img').first()).toBeVisible();
  // The course's batch of 128 is larger than this split: the warning offers a batch that gives four steps, as a button.
  const suggest = page.getByTestId('batch-suggest');
  const n = Number(/\d+/.exec((await suggest.textContent()) ?? '')![0]);
  await suggest.click();
  await expect(page.getByLabel('Batch', { exact: true })).toHaveValue(String(n));
  await expect(page.getByTestId('batch-warning')).toBeHidden();
  await page.getByTestId('epochs-input').fill('2');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('epoch-row')).toHaveCount(2, { timeout: 120_000 });
  await expect(page.getByTestId('epoch-chart').locator('path.recharts-curve')).toHaveCount(4);
  // Each epoch is a measured point, drawn as a dot: 4 curves × 2 epochs (a one-epoch curve would otherwise be invisible).
  await expect(page.getByTestId('epoch-chart').locator('.recharts-line-dot')).toHaveCount(8);
  // The same run again (same seed and settings) draws its accuracy exactly on the first's: the legend says so, not a line gone missing.
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run-legend').locator('li')).toHaveCount(2, { timeout: 120_000 });
  await expect(page.getByTestId('same-curve')).toContainText('the same seed and settings', { timeout: 60_000 });
});


test('an unbalanced dataset: the warning and the chart name the score to beat (always the largest class), not only chance', async ({ page }) => {
  // 24 Baroque and 5 Symbolism paintings: always answering Baroque scores 24/29 ≈ 0.83, far above chance (1/2).
  const root = paintingsFolder('unbalanced', { Baroque: 24, Symbolism: 5 });
  await pickFolder(page, root);
  await expect(page.getByTestId('dataset-summary')).toContainText('29 images in 2 classes');
  await expect(page.getByTestId('dataset-warnings')).toContainText('unbalanced classes: "Baroque" has 83 % of the images, so always answering Baroque scores about 0.83');
  await trainOneEpoch(page, 8);
  await expect(page.getByTestId('epoch-row')).toHaveCount(1, { timeout: 120_000 });
  await expect(page.getByTestId('acc-chart')).toContainText('dashed: always the largest class (0.83)');
  await expect(page.getByTestId('acc-chart').locator('.majority-line')).toHaveCount(1);
  // Other paintings picked after the run: its line and its score are said to be the other dataset's.
  await page.getByTestId('dataset-input').setInputFiles(paintingsFolder('three', { Baroque: 6, Symbolism: 6, Romanticism: 6 }));
  await expect(page.getByTestId('dataset-summary')).toContainText('18 images in 3 classes');
  await expect(page.getByTestId('last-run-info')).toContainText('Last run (on unbalanced, not three):');
  await expect(page.getByTestId('acc-chart')).toContainText('Validation accuracy per epoch of earlier runs on unbalanced (none yet on three)');
  await expect(page.getByTestId('loss-chart')).toContainText('Training loss per batch · the last run, on unbalanced');
  await expect(page.getByTestId('epoch-chart')).toContainText('Last run (on unbalanced) per epoch');
});

test('a text file named .jpg is left out when the folder is read; a JPEG broken further in is skipped at training, and named', async ({ page }) => {
  const { writeFileSync } = await import('node:fs');
  const root = paintingsFolder('styles', { Baroque: 6, Symbolism: 6 });
  writeFileSync(join(root, 'Baroque', 'notes.jpg'), 'not a painting');
  // A JPEG's first bytes, then nothing a decoder can use: only decoding finds it.
  writeFileSync(join(root, 'Symbolism', 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 7, 7, 7]));
  await pickFolder(page, root);
  // notes.jpg is not counted in the split (it was, until Train read it).
  await expect(page.getByTestId('dataset-summary')).toContainText('13 images in 2 classes');
  await expect(page.getByTestId('dataset-warnings')).toContainText('1 skipped: not an image inside (named like one; its bytes are not JPEG, PNG, GIF, WebP or BMP)');
  await trainOneEpoch(page, 4);
  await expect(page.getByTestId('last-run-info')).toContainText('1 unreadable image skipped (broken.jpg)', { timeout: 120_000 });
});

test('thousands of short epochs keep the page responsive: Stop lands at once, the table keeps its last 100 rows', async ({ page }) => {
  await loadMini(page);
  // The default batch (128) is one step an epoch here: epochs of a few ms, as fast as a run gets.
  await page.getByTestId('epochs-input').fill('10000');
  await page.getByTestId('train-start').click();
  const note = page.getByTestId('epoch-rows-note');
  await expect(note).toContainText(/The last 100 of \d+ epochs/, { timeout: 120_000 });
  await expect(page.getByTestId('epoch-row')).toHaveCount(100);
  // Each epoch drawn as it came held the page for minutes by epoch 1,000 (a click waited 170 s).
  await expect.poll(async () => Number(/of (\d+)/.exec((await note.textContent()) ?? '')?.[1]), { timeout: 120_000 }).toBeGreaterThan(1000);
  let worst = 0;
  for (let i = 0; i < 5; i++) {
    const t = Date.now();
    await page.evaluate(() => document.querySelectorAll('*').length);
    worst = Math.max(worst, Date.now() - t);
    await page.waitForTimeout(300);
  }
  const t = Date.now();
  await page.getByTestId('train-stop').click({ timeout: 10_000 });
  await expect(page.getByTestId('train-start')).toBeEnabled({ timeout: 10_000 });
  console.log(`page round trip at worst ${worst} ms during the run; Stop to idle ${Date.now() - t} ms`);
  expect(worst).toBeLessThan(2_000);
  await expect(page.getByTestId('run-legend')).toContainText('sgd lr 0.01');
});

test('pause holds training where it is; resume continues; stop keeps the completed epochs — all from the keyboard, focus on what acts next', async ({ page }) => {
  await loadMini(page);
  await page.getByTestId('epochs-input').fill('200');
  await page.getByLabel('Batch', { exact: true }).fill('1');
  // Lecture pace (≥ 1 s an epoch): on cached features a run of this size is over in well under a second.
  await page.getByTestId('lecture-toggle').click(); // the pace switch lives in lecture mode
  // On by default on a projector: the curves grow where a class can watch them.
  await expect(page.getByTestId('pace-toggle')).toBeChecked();
  await page.getByTestId('lecture-toggle').click();
  // Train disables itself and Pause becomes Resume: focus follows to the control that acts next
  // (it fell to <body>, and the next Tab started from the top of the page).
  await page.getByTestId('train-start').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('train-progress')).toContainText('Training the head', { timeout: 60_000 });
  await expect(page.getByTestId('train-pause')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('train-progress')).toContainText('paused');
  await expect(page.getByTestId('train-resume')).toBeFocused();
  // The bar counts batches; the words say which epoch they belong to (the charts' axis). Read together:
  // a batch already in flight when Pause was pressed may still land between two separate reads.
  const read = await page.getByTestId('train-progress').evaluate((el) => [el.textContent ?? '', el.querySelector('progress')!.getAttribute('value')] as const);
  const [, epoch, batchNo, perEpoch] = /epoch (\d+) of 200 · batch (\d+) of (\d+)/.exec(read[0])!.map(Number);
  // The batch counted within its epoch (with a batch of 1, an epoch is as many batches as training images).
  expect(batchNo).toBeGreaterThanOrEqual(1);
  expect(batchNo).toBeLessThanOrEqual(perEpoch!);
  expect(epoch).toBeGreaterThanOrEqual(1);
  // The bar counts the run's batches: it agrees with the words.
  expect(Number(read[1])).toBe((epoch! - 1) * perEpoch! + batchNo!);
  const points = async () => Number(await page.getByTestId('loss-chart').getAttribute('data-points'));
  await page.waitForTimeout(300); // a batch already in flight may still land
  const held = await points();
  await page.waitForTimeout(1000);
  expect(await points()).toBe(held);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('train-pause')).toBeFocused();
  await expect.poll(points).toBeGreaterThan(held + 48);
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('train-stop')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('last-run-info')).toContainText('stopped early', { timeout: 60_000 });
  await expect(page.getByTestId('train-start')).toBeFocused();
  const epochs = await page.getByTestId('epoch-row').count();
  expect(epochs).toBeGreaterThan(0);
  expect(epochs).toBeLessThan(200);
});

/** A paced run (≥ 1 s an epoch) of `epochs` on the mini manifest, reloaded once `after` epochs are done. */
async function reloadMidRun(page: import('@playwright/test').Page, epochs: number, after: number) {
  await loadMini(page);
  await page.getByTestId('epochs-input').fill(String(epochs));
  await page.getByLabel('Batch', { exact: true }).fill('4');
  await page.getByTestId('lecture-toggle').click(); // the pace switch lives in lecture mode
  // On by default on a projector: the curves grow where a class can watch them.
  await expect(page.getByTestId('pace-toggle')).toBeChecked();
  await page.getByTestId('lecture-toggle').click();
  await page.getByTestId('train-start').click();
  await expect.poll(() => page.getByTestId('epoch-row').count(), { timeout: 120_000 }).toBeGreaterThanOrEqual(after);
  // The leave warning is answered "leave", as a student who reloads anyway would.
  page.on('dialog', (d) => void d.accept());
  await page.reload();
}

test('a reload mid-run loses nothing: the studio offers the cut-off run, and it resumes from its last epoch once the same dataset is back', async ({ page }) => {
  test.setTimeout(240_000);
  await reloadMidRun(page, 10, 3);
  const offer = page.getByTestId('resume-offer');
  await expect(offer).toContainText(/cut off after epoch \d+ of 10 \(.+ on wikiart-mini, sgd lr 0\.01/, { timeout: 60_000 });
  const cutAt = Number(/after epoch (\d+)/.exec((await offer.textContent())!)![1]);
  expect(cutAt).toBeGreaterThanOrEqual(3);
  expect(cutAt).toBeLessThan(10);
  // The recipe came back with it; the dataset must be loaded again (a page cannot reopen a folder by itself).
  await expect(page.getByTestId('epochs-input')).toHaveValue('10');
  await expect(page.getByLabel('Batch', { exact: true })).toHaveValue('4');
  await expect(page.getByTestId('resume-run')).toBeDisabled();
  await expect(offer).toContainText(/Epochs 1–\d+ were saved; to resume it, load the same dataset \(wikiart-mini\) again/);
  // Its curves are on the charts while it waits: the batches and the epochs it kept.
  await expect(page.getByTestId('run-legend')).toContainText(`cut-off run (epochs 1–${cutAt})`);
  expect(Number(await page.getByTestId('loss-chart').getAttribute('data-points'))).toBeGreaterThanOrEqual(cutAt * 10);
  await expect(page.getByTestId('epoch-chart')).toContainText('The cut-off run');
  // The offer is the first thing on the screen, and loads a dataset that came from a URL in one click.
  expect((await offer.boundingBox())!.y).toBeLessThan(200);
  await page.getByTestId('resume-load').click();
  await expect(page.getByTestId('dataset-summary')).toContainText('60 images in 3 classes');
  await expect(page.getByTestId('resume-load')).toBeHidden();
  await page.getByTestId('resume-run').click();
  await expect(offer).toBeHidden();
  // The cut-off run's epochs are on screen at once, and the run goes on from the next one.
  await expect.poll(() => page.getByTestId('epoch-row').count()).toBeGreaterThanOrEqual(cutAt);
  await expect(page.getByTestId('last-run-info')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('epoch-row')).toHaveCount(10);
  // Nothing left to offer after it ends, on this visit or the next.
  await page.reload();
  await expect(page.getByTestId('transfer-model')).toContainText('SqueezeNet', { timeout: 60_000 });
  await expect(page.getByTestId('epoch-row')).toHaveCount(10); // the finished run, from the saved history
  await expect(offer).toBeHidden();
});

test('a cut-off run can be discarded: the offer goes, and stays gone after another reload', async ({ page }) => {
  test.setTimeout(180_000);
  await reloadMidRun(page, 20, 1);
  await expect(page.getByTestId('resume-offer')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('resume-discard').click();
  await expect(page.getByTestId('resume-offer')).toBeHidden();
  await page.reload();
  await expect(page.getByTestId('transfer-model')).toContainText('SqueezeNet', { timeout: 60_000 });
  await page.waitForTimeout(1000);
  await expect(page.getByTestId('resume-offer')).toBeHidden();
});

test('which layer to cut: the probe compares a linear classifier at four depths of SqueezeNet, with chance', async ({ page }) => {
  await loadMini(page);
  await page.getByTestId('probe-start').click();
  await expect(page.getByTestId('layer-probe')).toHaveAttribute('data-points', '4', { timeout: 120_000 });
  await expect(page.getByTestId('layer-probe')).toContainText(/chance \(0\.\d+\) · best: (fire\d_concat|conv10)/);
  await expect(page.getByTestId('layer-probe').locator('path.recharts-curve')).toHaveCount(1);
  await expect(page.getByTestId('probe-cache')).toContainText('computed now and cached');
  const first = await page.getByTestId('layer-probe').locator('figcaption').textContent();
  // Again: every depth from the persistent feature cache, the same curve.
  await page.getByTestId('probe-start').click();
  await expect(page.getByTestId('probe-cache')).toContainText('All 4 depths', { timeout: 60_000 });
  expect(await page.getByTestId('layer-probe').locator('figcaption').textContent()).toBe(first);
});
