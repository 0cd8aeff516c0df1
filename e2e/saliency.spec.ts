import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canvasPixels, dropFiles, FIXTURES, SHARED, stdDev, useBackend } from './helpers';

test.beforeEach(async ({ page }) => {
  await useBackend(page, 'wasm');
  await page.goto('./?screen=saliency');
  await expect(page.getByTestId('saliency-model')).toContainText('SqueezeNet');
});

const red = (px: number[]) => px.filter((_, i) => i % 4 === 0);

test('drop doberman.png → Doberman in the predictions, a non-uniform map; another class → another map', async ({ page }) => {
  await dropFiles(page, [join(SHARED, 'images/doberman.png')]);
  await expect(page.getByTestId('saliency-predictions')).toContainText('Doberman');
  await expect(page.getByTestId('saliency-map')).toBeVisible();
  const first = red(await canvasPixels(page, 'saliency-map'));
  expect(first).toHaveLength(224 * 224);
  expect(stdDev(first)).toBeGreaterThan(5);
  await expect(page.getByTestId('map-info')).toContainText(/ms on wasm|s on wasm/);
  await expect(page.getByTestId('network-input')).toBeVisible();
  // The display settings come right after the two maps they change, before the photo and the network's input.
  const below = async (id: string) => (await page.getByTestId(id).boundingBox())!.y;
  expect(await below('colormap-select')).toBeGreaterThan(await below('saliency-overlay'));
  expect(await below('colormap-select')).toBeLessThan(await below('network-input'));

  // Another class, from the searchable picker over all 1000.
  await page.getByTestId('class-picker').fill('130: flamingo');
  await page.getByTestId('class-picker').press('Enter');
  await expect(page.getByTestId('map-info')).toContainText('class 130');
  const second = red(await canvasPixels(page, 'saliency-map'));
  const changed = first.filter((v, i) => Math.abs(v - second[i]!) > 8).length / first.length;
  expect(changed).toBeGreaterThan(0.2);

  // The top-5 entries are buttons too.
  await page.getByTestId('saliency-predictions').getByRole('button', { name: /Doberman/ }).click();
  await expect(page.getByTestId('map-info')).toContainText('class 236');

  const download = page.waitForEvent('download');
  await page.getByTestId('download-map').click();
  expect((await download).suggestedFilename()).toMatch(/doberman-vanilla-class236-map\.png/);
  // A picked class says so beside the map, with the way back; the search takes a label's names, or says why not.
  await expect(page.getByTestId('back-to-top1')).toBeVisible();
  await page.getByTestId('class-picker').fill('tabby');
  await page.getByTestId('class-picker').press('Enter');
  await expect(page.getByTestId('map-info')).toContainText('class 281');
  await page.getByTestId('class-picker').fill('cat');
  await page.getByTestId('class-picker').press('Enter');
  await expect(page.getByTestId('class-miss')).toContainText(/classes match “cat” .*: pick one from the list/);
  await page.getByTestId('back-to-top1').click();
  await expect(page.getByTestId('back-to-top1')).toBeHidden();
  await expect(page.getByTestId('map-info')).not.toContainText('class 281');
});

test('a .txt renamed to .jpg, a 12000×12000 PNG, an empty file, a JPEG cut short and a 5000×1 strip get clear messages; the page keeps working', async ({ page }) => {
  await dropFiles(page, [join(FIXTURES, 'not-an-image.jpg')]);
  await expect(page.getByTestId('error-message')).toContainText('not an image');
  await page.getByTestId('saliency-input').setInputFiles(join(FIXTURES, 'huge-12000.png'));
  await expect(page.getByTestId('error-message')).toContainText('too large: 12000×12000');
  await page.getByTestId('saliency-input').setInputFiles({ name: 'empty.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(0) });
  await expect(page.getByTestId('error-message')).toContainText('empty.jpg is empty (0 bytes): nothing to read');
  // A JPEG cut off after 100 bytes is a JPEG by its first bytes: damaged, not "not an image".
  await page.getByTestId('saliency-input').setInputFiles({ name: 'cut.jpg', mimeType: 'image/jpeg', buffer: readFileSync(join(SHARED, 'images/cat.jpg')).subarray(0, 100) });
  await expect(page.getByTestId('error-message')).toContainText('cut.jpg could not be decoded: the JPEG file is damaged or cut short');
  await page.getByTestId('saliency-input').setInputFiles(join(FIXTURES, 'strip-5000x1.png'));
  await expect(page.getByTestId('error-message')).toContainText('strip-5000x1.png is too elongated: 5000×1 pixels (5000:1; the limit is 762:1)');
  await page.getByTestId('saliency-input').setInputFiles(join(SHARED, 'images/flamingo.jpg'));
  await expect(page.getByTestId('saliency-predictions').locator('li').first()).toContainText('flamingo');
  await expect(page.getByTestId('saliency-map')).toBeVisible();
});

test('paste, samples and several images at once (grid); what is given last takes the place of what was there; SmoothGrad shows progress', async ({ page }) => {
  await dropFiles(page, [join(SHARED, 'images/cat.jpg')], 'paste');
  await expect(page.getByTestId('saliency-predictions')).toContainText(/cat/);
  // A sample after a photo takes its place (it made a grid of two, and every click after grew it).
  await page.getByTestId('sample-owl.jpg').click();
  await expect(page.getByTestId('map-info')).toContainText('owl.jpg');
  await expect(page.getByTestId('batch-grid')).toHaveCount(0);
  // The strip marks the sample on show, and only it.
  await expect(page.getByTestId('sample-owl.jpg')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('.samples [aria-pressed="true"]')).toHaveCount(1);
  await page.getByTestId('saliency-input').setInputFiles([join(SHARED, 'images/tabby.jpg'), join(SHARED, 'images/husky.jpg')]);
  await expect(page.getByTestId('batch-grid').locator('li')).toHaveCount(2);
  await expect(page.getByTestId('batch-grid').locator('canvas')).toHaveCount(2);
  // Beside the map, the grid's place: "1 of 2 ↓" brings it, a screen down, into view with the shown card focused; each card names its file.
  await expect(page.getByTestId('grid-jump')).toHaveText('1 of 2 ↓');
  await page.getByTestId('grid-jump').click();
  await expect(page.getByTestId('batch-grid')).toBeInViewport();
  await expect(page.locator('#sal-grid .card.active .card-main')).toBeFocused();
  await expect(page.getByTestId('batch-grid').locator('.card-name')).toHaveText(['tabby.jpg', 'husky.jpg']);
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('grid-jump')).toHaveText('2 of 2 ↓');

  await page.getByTestId('method-select').selectOption('smoothgrad');
  await expect(page.getByTestId('saliency-progress')).toBeVisible();
  await expect(page.getByTestId('saliency-progress')).toContainText(/\d+\/25/);
  await expect(page.getByTestId('map-info')).toContainText('smoothgrad', { timeout: 120_000 });
  // The other image's SmoothGrad counts on its own card, with its Cancel; the finished map on show is not greyed under it.
  // (husky.jpg is on show since →; tabby.jpg, the first card, comes second.)
  const other = page.getByTestId('batch-grid').locator('li').first();
  await expect(other.getByTestId('card-status')).toContainText(/computing… \d+\/25/);
  await expect(page.getByTestId('saliency-progress')).toBeHidden();
  await expect(page.getByTestId('maps-stage')).not.toHaveAttribute('data-stale', 'true');
  await other.getByTestId('card-cancel').click();
  await expect(other.getByTestId('card-cancel')).toBeHidden();
  // Remove all empties the page and brings its top back, where images are given; the next photo is mapped alone.
  await page.getByTestId('grid-clear').click();
  await expect(page.getByTestId('batch-grid')).toHaveCount(0);
  await expect(page.getByTestId('saliency-map')).toHaveCount(0);
  await expect(page.getByTestId('maps-empty')).toBeVisible();
  await expect(page.locator('#sal-h')).toBeFocused();
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  await page.getByTestId('saliency-input').setInputFiles(join(SHARED, 'images/flamingo.jpg'));
  // While its first map (SmoothGrad, seconds) is computed, the panel shows the photo and its name under the progress, not a bare bar.
  await expect(page.getByTestId('map-pending')).toContainText('flamingo.jpg');
  await expect(page.getByTestId('map-pending').getByRole('img', { name: 'flamingo.jpg' })).toBeVisible();
  await expect(page.getByTestId('map-pending').getByTestId('saliency-progress')).toBeVisible();
  await expect(page.getByTestId('map-info')).toContainText('flamingo.jpg', { timeout: 60_000 });
  await expect(page.getByTestId('map-pending')).toHaveCount(0);
  await expect(page.getByTestId('batch-grid')).toHaveCount(0);
});

test("a reload gives the user's own photos back (a sample comes back by its link); Remove all forgets them", async ({ page }) => {
  await dropFiles(page, [join(SHARED, 'images/tabby.jpg'), join(SHARED, 'images/husky.jpg')]);
  await expect(page.getByTestId('batch-grid').locator('canvas')).toHaveCount(2, { timeout: 60_000 });
  await page.reload();
  await expect(page.getByTestId('batch-grid').locator('.card-name')).toHaveText(['tabby.jpg', 'husky.jpg'], { timeout: 60_000 });
  await expect(page.getByTestId('map-info')).toContainText('tabby.jpg', { timeout: 60_000 });
  await page.getByTestId('grid-clear').click();
  await page.reload();
  await expect(page.getByTestId('maps-empty')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('saliency-model')).toContainText('SqueezeNet');
  await expect(page.getByTestId('batch-grid')).toHaveCount(0);
  // A sample takes their place, and is not kept as a file: the reload brings it back by its name.
  await dropFiles(page, [join(SHARED, 'images/cat.jpg')]);
  await expect(page.getByTestId('map-info')).toContainText('cat.jpg', { timeout: 60_000 });
  await page.getByTestId('sample-owl.jpg').click();
  await expect(page.getByTestId('map-info')).toContainText('owl.jpg', { timeout: 60_000 });
  await page.reload();
  await expect(page.getByTestId('map-info')).toContainText('owl.jpg', { timeout: 60_000 });
  await expect(page.getByTestId('batch-grid')).toHaveCount(0);
  // Photos over the 64 MB kept: said when they are given, not found out after a reload (a JPEG followed by 65 MB its decoder ignores).
  const b64 = readFileSync(join(SHARED, 'images/cat.jpg')).toString('base64');
  await page.evaluate((b64) => {
    const jpeg = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([jpeg, new Uint8Array(65 * 1024 * 1024)], 'big.jpg', { type: 'image/jpeg' }));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, b64);
  await expect(page.getByTestId('map-info')).toContainText('big.jpg', { timeout: 60_000 });
  await expect(page.getByTestId('notice')).toContainText(/These photos \(6\d\.\d MB\) are more than the 64\.0 MB kept for a reload: after one, give them again/);
});

test('files dragged over the page: it says where they go; leaving takes the word away, and the drop maps them; a method\'s number out of range is said', async ({ page }) => {
  const enter = () =>
    page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['x'], 'owl.jpg', { type: 'image/jpeg' }));
      document.body.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }));
    });
  await enter();
  await expect(page.getByTestId('drop-overlay')).toHaveText('Drop to see its saliency map');
  await page.evaluate(() => document.body.dispatchEvent(new DragEvent('dragleave', { bubbles: true })));
  await expect(page.getByTestId('drop-overlay')).toBeHidden();
  // Text dragged over the page is not offered a map.
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.setData('text/plain', 'a flamingo');
    document.body.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }));
  });
  await expect(page.getByTestId('drop-overlay')).toBeHidden();
  await enter();
  await expect(page.getByTestId('drop-overlay')).toBeVisible();
  await dropFiles(page, [join(SHARED, 'images/owl.jpg')]);
  await expect(page.getByTestId('drop-overlay')).toBeHidden();
  await expect(page.getByTestId('map-info')).toContainText('owl.jpg', { timeout: 60_000 });
  // A method's number out of range is said beside it (an unreadable entry became 1 sample, silently).
  await page.getByTestId('method-select').selectOption('smoothgrad');
  await page.getByTestId('samples-input').fill('0');
  await expect(page.getByTestId('method-note')).toHaveText('Samples: 0 is outside [1, 200]; using 1');
  await page.getByTestId('samples-input').fill('');
  await page.getByTestId('samples-input').blur();
  await expect(page.getByTestId('samples-input')).toHaveValue('1'); // an emptied field keeps the value in use
});

test('class model visualisation evolves live and stops on request', async ({ page }) => {
  await page.getByTestId('saliency-input').setInputFiles(join(SHARED, 'images/flamingo.jpg'));
  await expect(page.getByTestId('saliency-map')).toBeVisible();
  await page.getByText('Class model visualisation').click();
  await page.getByTestId('classmodel-start').click();
  await expect(page.getByTestId('classmodel-canvas')).toBeVisible();
  await expect(page.getByText(/step \d+ · S_c/)).toBeVisible();
  await page.getByTestId('classmodel-stop').click();
  await expect(page.getByTestId('classmodel-start')).toBeVisible();
  const px = await canvasPixels(page, 'classmodel-canvas');
  expect(stdDev(red(px))).toBeGreaterThan(1);
});

test('compare strip: vanilla, SmoothGrad and Grad-CAM of the same image side by side, each appearing when ready', async ({ page }) => {
  await page.getByTestId('sample-owl.jpg').click();
  await expect(page.getByTestId('saliency-map')).toBeVisible();
  const items = page.getByTestId('compare-strip').getByTestId('compare-item');
  await expect(items).toHaveCount(3);
  expect(await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-method')))).toEqual(['vanilla', 'smoothgrad', 'gradcam']);
  await expect(page.locator('[data-testid="compare-item"][data-ready="true"]')).toHaveCount(3, { timeout: 120_000 });
  // The three maps differ: each is its own method, not a copy.
  const px = await items.evaluateAll((els) => els.map((e) => Array.from((e.querySelector('canvas') as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 224, 224).data.filter((_, i) => i % 40 === 0)).join(',')));
  expect(new Set(px).size).toBe(3);
});

test('a map seen before comes back at once: methods switched beside the map, back and forth, are not computed again', async ({ page }) => {
  await page.getByTestId('sample-owl.jpg').click();
  await expect(page.getByTestId('map-info')).toContainText('vanilla');
  const time = await page.getByTestId('map-time').textContent();
  await expect(page.locator('[data-testid="compare-item"][data-ready="true"]')).toHaveCount(3, { timeout: 120_000 });
  // Records whether a computation starts (every one shows its progress).
  await page.evaluate(() => {
    const w = window as unknown as { progressSeen: boolean };
    w.progressSeen = false;
    new MutationObserver(() => {
      if (document.querySelector('[data-testid="saliency-progress"]')) w.progressSeen = true;
    }).observe(document.body, { childList: true, subtree: true });
  });
  const seen = () => page.evaluate(() => (window as unknown as { progressSeen: boolean }).progressSeen);
  // Grad-CAM was made for the strip; vanilla was the first map.
  await page.getByTestId('map-method').selectOption('gradcam');
  await expect(page.getByTestId('map-info')).toContainText('gradcam');
  await expect(page.getByTestId('method-select')).toHaveValue('gradcam');
  await page.getByTestId('map-method').selectOption('vanilla');
  await expect(page.getByTestId('map-info')).toContainText('vanilla');
  await expect(page.getByTestId('map-time')).toHaveText(time!);
  expect(await seen()).toBe(false);
  // A map not made before is computed (the strip's SmoothGrad has 15 samples, the main one 25).
  await page.getByTestId('map-method').selectOption('smoothgrad');
  await expect(page.getByTestId('saliency-progress')).toBeVisible();
  expect(await seen()).toBe(true);
  // Meanwhile the old pictures are dimmed under the progress, and the heading stays usable: the
  // progress lies over the pictures, not over the method select or the top-5.
  await expect(page.getByTestId('maps-stage')).toHaveAttribute('data-stale', 'true');
  const onTop = (id: string) => page.getByTestId(id).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return el.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));
  });
  expect(await onTop('map-method')).toBe(true);
  expect(await onTop('saliency-predictions')).toBe(true);
  await page.getByTestId('map-method').selectOption('gradcam');
  await expect(page.getByTestId('map-info')).toContainText('gradcam');
  await expect(page.getByTestId('maps-stage')).not.toHaveAttribute('data-stale');
});

test('the Learn panel shows the formula of the method on screen', async ({ page }) => {
  await page.getByTestId('sample-owl.jpg').click();
  await expect(page.getByTestId('saliency-map')).toBeVisible();
  await page.getByTestId('method-select').selectOption('gradcam');
  await expect(page.getByTestId('map-info')).toContainText('gradcam', { timeout: 60_000 });
  await page.getByTestId('learn-toggle').click();
  await expect(page.getByTestId('learn-formula')).toContainText('ReLU');
  await expect(page.getByTestId('learn-panel')).toContainText('(Grad-CAM)');
});
