import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { useBackend } from './helpers';

test.beforeEach(async ({ page }) => {
  await useBackend(page, 'wasm');
});

async function loadMini(page: Page) {
  await expect(page.getByTestId('transfer-model')).toContainText('SqueezeNet', { timeout: 60_000 });
  await page.getByTestId('manifest-url').fill(new URL('e2e-fixtures/wikiart-mini/manifest.json', page.url()).href);
  await page.getByTestId('manifest-load').click();
  await expect(page.getByTestId('dataset-summary')).toContainText('60 images in 3 classes');
}

const fontSize = (page: Page) => page.locator('.app').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));

test('lecture mode: toggle and ?lecture=1 give projector-sized type and hide secondary controls; it survives a reload', async ({ page }) => {
  await page.goto('./?screen=transfer');
  await expect(page.getByTestId('feature-cache-status')).toBeVisible();
  const normal = await fontSize(page);
  await page.getByTestId('lecture-toggle').click();
  await expect(page.getByTestId('lecture-toggle')).toHaveAttribute('aria-pressed', 'true');
  expect(await fontSize(page)).toBeGreaterThanOrEqual(normal * 1.3);
  await expect(page.getByTestId('feature-cache-status')).toBeHidden();
  expect(page.url()).toContain('lecture=1');
  await page.goto('./');
  await expect(page.getByTestId('lecture-toggle')).toHaveAttribute('aria-pressed', 'true'); // the last session's settings
  await expect(page.getByTestId('screen-transfer')).toBeVisible(); // and its last screen
  await page.keyboard.press('l');
  await expect(page.getByTestId('lecture-toggle')).toHaveAttribute('aria-pressed', 'false');

  const fresh = await page.context().browser()!.newPage();
  await fresh.goto(new URL('./?screen=saliency&lecture=1', page.url()).href);
  await expect(fresh.getByTestId('lecture-toggle')).toHaveAttribute('aria-pressed', 'true');
  await expect(fresh.getByTestId('screen-saliency')).toBeVisible();
  await fresh.close();
});

test('keyboard: ? lists the shortcuts, Escape closes popovers, ←/→ change the image, M the method, Space starts and pauses training', async ({ page }) => {
  await page.goto('./?screen=saliency');
  await expect(page.getByTestId('saliency-model')).toContainText('SqueezeNet');
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcuts-dialog')).toBeVisible();
  await expect(page.getByTestId('shortcuts-dialog')).toContainText('Previous / next image');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('shortcuts-dialog')).toBeHidden();
  // The backend chip's details close on Escape and on a click outside them.
  const details = page.locator('details.chip');
  await page.getByTestId('backend-chip').click();
  await expect(details).toHaveAttribute('open', '');
  await page.keyboard.press('Escape');
  await expect(details).not.toHaveAttribute('open');
  await expect(page.getByTestId('backend-chip')).toBeFocused();
  await page.getByTestId('backend-chip').click();
  await expect(details).toHaveAttribute('open', '');
  await page.getByTestId('saliency-model').click();
  await expect(details).not.toHaveAttribute('open');

  // No map yet: M's echo is shown (nothing on the page says it).
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('m');
  await expect(page.getByTestId('notice')).toContainText('Method: SmoothGrad');
  await expect(page.getByTestId('notice')).not.toHaveClass(/quiet/);
  await expect(page.getByTestId('notice')).toBeInViewport();
  await page.getByTestId('method-select').selectOption('vanilla');
  await page.getByTestId('sample-flamingo.jpg').click();
  await expect(page.getByTestId('map-info')).toContainText('flamingo.jpg');
  // One image: the arrows step on through the samples (they did nothing), each in the last one's place.
  await page.locator('body').click({ position: { x: 5, y: 5 } }); // focus off the buttons
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('map-info')).toContainText('owl.jpg');
  // Still one image, so on and back through the samples (it became a grid of two, and the arrows kept to those).
  await expect(page.getByTestId('batch-grid')).toHaveCount(0);
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('map-info')).toContainText('cat.jpg');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('map-info')).toContainText('owl.jpg');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('map-info')).toContainText('flamingo.jpg');
  await page.keyboard.press('m');
  await expect(page.getByTestId('method-select')).toHaveValue('smoothgrad');
  // The map's own method menu shows it: announced, not drawn over the map (it covered the colormap and clip controls).
  await expect(page.getByTestId('map-method')).toHaveValue('smoothgrad');
  await expect(page.getByTestId('notice')).toContainText('SmoothGrad');
  await expect(page.getByTestId('notice')).toHaveClass(/quiet/);
  expect((await page.getByTestId('notice').boundingBox())!.height).toBeLessThanOrEqual(1);
  // Typing into a field is not a shortcut.
  await page.getByTestId('class-picker').fill('m');
  await expect(page.getByTestId('method-select')).toHaveValue('smoothgrad');

  await page.getByRole('button', { name: 'Transfer learning' }).click();
  await loadMini(page);
  await page.getByTestId('epochs-input').fill('200');
  await page.getByLabel('Batch', { exact: true }).fill('1');
  // Lecture pace (≥ 1 s an epoch), so the run is still going when Space pauses it.
  await page.getByTestId('lecture-toggle').click();
  await page.getByTestId('pace-toggle').check();
  await page.getByTestId('lecture-toggle').click();
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press(' ');
  await expect(page.getByTestId('train-progress')).toContainText('Training the head', { timeout: 60_000 });
  await page.keyboard.press(' ');
  await expect(page.getByTestId('train-progress')).toContainText('paused');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('train-progress')).not.toContainText('paused');
  // L mid-run flips the layout (lecture mode puts training first): the curves stay on screen both ways.
  await page.evaluate(() => window.scrollTo(0, 0));
  for (const mode of ['lecture', 'light']) {
    await page.keyboard.press('l');
    await expect(page.getByTestId('loss-chart'), mode).toBeInViewport();
  }
  await page.getByTestId('train-stop').click();
  await expect(page.getByTestId('last-run-info')).toContainText('stopped early', { timeout: 60_000 });
});

test('replay: a saved run plays back on the charts at 20×, and a run file exported here replays in a fresh browser', async ({ page, browser }) => {
  await page.goto('./?screen=transfer');
  await loadMini(page);
  await page.getByTestId('epochs-input').fill('3');
  await page.getByLabel('Batch', { exact: true }).fill('8');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('last-run-info')).toContainText('best validation accuracy', { timeout: 120_000 });
  const total = Number(await page.getByTestId('loss-chart').getAttribute('data-points'));
  expect(total).toBeGreaterThan(0);

  // A run of a few seconds replays at 1× unless another speed is chosen (a flat 10× played it in a blink).
  await expect(page.getByTestId('replay-speed')).toHaveValue('1');
  // Started from its panel under the charts, the replay brings them into view.
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByTestId('replay-panel').scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 400));
  await expect(page.getByTestId('loss-chart')).not.toBeInViewport();
  await page.getByTestId('replay-start').click();
  await expect(page.getByTestId('loss-chart')).toBeInViewport();
  await expect(page.getByTestId('replay-progress')).toContainText('Replaying');
  // It starts empty (the trunk's feature pass), then the batches come back in order.
  await expect.poll(async () => Number(await page.getByTestId('loss-chart').getAttribute('data-points'))).toBeLessThan(total);
  await page.getByTestId('replay-speed').selectOption('20');
  await expect.poll(async () => Number(await page.getByTestId('loss-chart').getAttribute('data-points')), { timeout: 30_000 }).toBe(total);
  await expect(page.getByTestId('replay-progress')).toContainText('finished');
  await expect(page.getByTestId('epoch-chart').locator('path.recharts-curve')).toHaveCount(4);
  await page.getByTestId('replay-stop').click();
  // A second run that differs only in its batch: the legend and the replay menu say so (both read "New conv10 only · sgd lr 0.01 · <time>").
  await page.getByLabel('Batch', { exact: true }).fill('4');
  await page.getByTestId('epochs-input').fill('1');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run-legend').locator('li')).toHaveCount(2, { timeout: 120_000 });
  await expect(page.getByTestId('run-legend')).toContainText(/sgd lr 0\.01 · batch 8 · 3 epochs · /);
  await expect(page.getByTestId('run-legend')).toContainText(/sgd lr 0\.01 · batch 4 · 1 epoch · /);
  await expect(page.getByTestId('replay-run').locator('option').last()).toContainText('batch 4 · 1 epoch');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Runs as JSON' }).click();
  const file = test.info().outputPath('runs.json');
  writeFileSync(file, readFileSync((await (await download).path())!));

  const other = await browser.newPage(); // a fresh profile: no saved runs
  await other.goto(new URL('./?screen=transfer', page.url()).href);
  await expect(other.getByTestId('replay-start')).toBeDisabled();
  await other.getByTestId('replay-import').setInputFiles(file);
  await expect(other.getByTestId('notice')).toContainText('2 runs imported');
  // A notice over the page is closed with its ✕ (it covered a button for its seconds).
  await other.getByTestId('notice-dismiss').click();
  await expect(other.getByTestId('notice')).toBeEmpty();
  await other.getByTestId('replay-run').selectOption({ index: 0 });
  await other.getByTestId('replay-speed').selectOption('20');
  await other.getByTestId('replay-start').click();
  await expect.poll(async () => Number(await other.getByTestId('loss-chart').getAttribute('data-points')), { timeout: 30_000 }).toBe(total);
  // A file that is not a runs file gets a message.
  writeFileSync(test.info().outputPath('bad.json'), '{"hello": 1}');
  await other.getByTestId('replay-import').setInputFiles(test.info().outputPath('bad.json'));
  await expect(other.getByTestId('notice')).toContainText('not a runs file');
  await other.close();
});

test('Learn panel: guidance linked to strategies, the architecture table with FLOPs and frozen/trainable colouring, live saliency values', async ({ page }) => {
  await page.goto('./?screen=transfer');
  await expect(page.getByTestId('transfer-model')).toContainText('SqueezeNet', { timeout: 60_000 });
  await page.getByTestId('learn-toggle').click();
  const learn = page.getByTestId('learn-panel');
  await expect(learn).toContainText('Small (hundreds to a few thousand images)');
  // SqueezeNet has no FC layers: only the last-layer answer applies to it, named in its own layers.
  await expect(learn.getByRole('button', { name: /fc6/ })).toBeDisabled();
  await learn.getByRole('button', { name: 'Use “New conv10 only”' }).click();
  await expect(page.getByTestId('strategy-select')).toHaveValue('fc8');

  await learn.getByTestId('architecture-source').selectOption('alexnet');
  await learn.getByTestId('architecture-strategy').selectOption('fc7-fc8');
  const table = learn.getByTestId('architecture-table');
  await expect(table.getByRole('row', { name: /^conv1 / })).toContainText('[N,55,55,64]');
  await expect(table.getByRole('row', { name: /^conv1 / })).toContainText('frozen');
  await expect(table.locator('tr', { hasText: 'fc7 (new)' })).toContainText('new');
  await expect(table.locator('tfoot')).toContainText('61,100,840');
  await expect(learn.getByTestId('architecture-summary')).toContainText('1.43 GFLOPs');
  await learn.getByTestId('architecture-source').selectOption('vgg16');
  await expect(table.locator('tfoot')).toContainText('138,357,544');
  await expect(learn.getByTestId('architecture-summary')).toContainText('30.9');
  await learn.getByTestId('architecture-source').selectOption('studio');
  await expect(learn).toContainText('only "fc8"'); // fc7-fc8 does not apply to SqueezeNet, and the view says why
  await learn.getByTestId('architecture-strategy').selectOption('fc8');
  await expect(table.locator('tr', { hasText: 'fire9_expand3x3' }).first()).toContainText('frozen');

  await page.getByRole('button', { name: 'Saliency maps' }).click();
  await expect(page.getByTestId('saliency-model')).toContainText('SqueezeNet');
  await page.getByTestId('sample-flamingo.jpg').click();
  await expect(page.getByTestId('map-info')).toContainText('flamingo.jpg');
  const values = page.getByTestId('saliency-live-values');
  await expect(values).toContainText('flamingo');
  await expect(values).toContainText(/max \|∂S_c\/∂I\|\s*\d\.\d{3}e[-+]\d/);
  await expect(page.getByTestId('learn-panel')).toContainText('Sanity checks for saliency maps');
});

test('a link restores screen, strategy, hyperparameters, method, class and image; Copy link copies it', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('./?screen=saliency');
  await expect(page.getByTestId('saliency-model')).toContainText('SqueezeNet');
  await page.getByTestId('sample-flamingo.jpg').click();
  await expect(page.getByTestId('map-info')).toContainText('flamingo.jpg');
  await page.getByTestId('method-select').selectOption('gradient-x-input');
  await page.getByTestId('class-picker').fill('130: flamingo');
  await page.getByTestId('class-picker').press('Enter');
  await expect(page.getByTestId('map-info')).toContainText('class 130');
  await page.getByRole('button', { name: 'Transfer learning' }).click();
  await expect(page.getByTestId('transfer-model')).toContainText('SqueezeNet', { timeout: 60_000 });
  await page.getByLabel('Learning rate', { exact: true }).fill('0.005');
  await page.getByTestId('epochs-input').fill('7');
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('notice')).toContainText('Link copied');
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toContain('screen=transfer');
  expect(link).toContain('lr=0.005');
  expect(link).toContain('method=gradient-x-input');
  expect(link).toContain('class=130');
  expect(link).toContain('sample=flamingo.jpg');
  expect(link).toContain('model=squeezenet1_1-caffe');

  const other = await context.browser()!.newPage();
  await other.goto(link);
  await expect(other.getByTestId('screen-transfer')).toBeVisible();
  await expect(other.getByLabel('Learning rate', { exact: true })).toHaveValue('0.005');
  await expect(other.getByTestId('epochs-input')).toHaveValue('7');
  await other.goto(link.replace('screen=transfer', 'screen=saliency'));
  await expect(other.getByTestId('method-select')).toHaveValue('gradient-x-input');
  await expect(other.getByTestId('map-info')).toContainText('flamingo.jpg', { timeout: 60_000 });
  await expect(other.getByTestId('map-info')).toContainText('class 130');
  // A mistyped link still opens, with defaults for what it got wrong.
  await other.goto(new URL('./?screen=transfer&lr=banana&epochs=-3&strategy=nope', page.url()).href);
  await expect(other.getByTestId('screen-transfer')).toBeVisible();
  await expect(other.getByTestId('epochs-input')).toHaveValue('10');
  await other.close();
});

test('offline after the first visit: the app, the models already loaded, the samples', async ({ page, context }) => {
  await page.goto('./?screen=saliency');
  await expect(page.getByTestId('saliency-model')).toContainText('SqueezeNet');
  await page.getByRole('button', { name: 'Transfer learning' }).click();
  await expect(page.getByTestId('transfer-model')).toContainText('SqueezeNet', { timeout: 60_000 });
  await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.ready, !!navigator.serviceWorker.controller)), { timeout: 60_000 }).toBe(true);
  // The model is in the IndexedDB cache.
  await page.getByRole('button', { name: 'Models' }).click();
  await expect(page.getByText(/\d+(\.\d)? (kB|MB) cached/)).toBeVisible();
  await context.setOffline(true);
  await page.goto('./?screen=saliency');
  await expect(page.getByTestId('saliency-model')).toContainText('SqueezeNet', { timeout: 60_000 });
  await page.getByTestId('sample-flamingo.jpg').click();
  await expect(page.getByTestId('map-info')).toContainText('flamingo.jpg', { timeout: 60_000 });
  await expect(page.getByTestId('saliency-predictions')).toContainText('flamingo');
  await page.getByRole('button', { name: 'Transfer learning' }).click();
  await expect(page.getByTestId('transfer-model')).toContainText('SqueezeNet', { timeout: 60_000 });
  await context.setOffline(false);
});

async function seriousViolations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
}

async function prepare(page: Page, screen: 'saliency' | 'transfer') {
  if (screen === 'saliency') {
    await expect(page.getByTestId('saliency-model')).toContainText('SqueezeNet');
    await page.getByTestId('sample-flamingo.jpg').click();
    await expect(page.getByTestId('map-info')).toContainText('flamingo.jpg');
  } else {
    await loadMini(page);
  }
}

test('accessibility: no serious or critical axe violations on any screen, in light and lecture mode, with the Learn panel and dialog open', async ({ page }) => {
  await page.goto('./');
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-backend', 'wasm');
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto('./?screen=models');
  await expect(page.getByTestId('model-select')).toBeVisible();
  expect(await seriousViolations(page), 'models').toEqual([]);
  for (const screen of ['saliency', 'transfer'] as const) {
    await page.goto(`./?screen=${screen}`);
    await prepare(page, screen);
    expect(await seriousViolations(page), `${screen}`).toEqual([]);
    await page.getByTestId('learn-toggle').click();
    await expect(page.getByTestId('learn-panel')).toBeVisible();
    expect(await seriousViolations(page), `${screen} + Learn`).toEqual([]);
    await page.getByTestId('lecture-toggle').click();
    expect(await seriousViolations(page), `${screen} lecture`).toEqual([]);
    await page.getByTestId('lecture-toggle').click();
    await page.getByTestId('learn-toggle').click();
  }
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcuts-dialog')).toBeVisible();
  expect(await seriousViolations(page), 'shortcuts dialog').toEqual([]);
});

test('keyboard path: Tab reaches the controls, each with a visible focus ring; the samples open with Enter', async ({ page }) => {
  await page.goto('./?screen=saliency');
  await expect(page.getByTestId('saliency-model')).toContainText('SqueezeNet');
  const seen: { id: string; ring: boolean }[] = [];
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    seen.push(
      await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        if (el === document.body) return { id: 'body (focus left the page)', ring: true };
        // A visually hidden file input shows its ring on the label around it.
        const target = el.matches('label > input[type=file]') ? el.parentElement! : el;
        const st = getComputedStyle(target);
        return { id: el.dataset.testid ?? el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 20) ?? el.tagName, ring: st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2 };
      }),
    );
  }
  expect(seen.filter((s) => !s.ring)).toEqual([]);
  const ids = seen.map((s) => s.id);
  for (const want of ['lecture-toggle', 'copy-link', 'Choose images…', 'sample-cat.jpg', 'method-select', 'class-picker']) expect(ids).toContain(want);
  await page.getByTestId('sample-owl.jpg').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('map-info')).toContainText('owl.jpg');
});

for (const size of [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
])
  test(`screenshots at ${size.width}×${size.height}, light and lecture: nothing wider than the window`, async ({ page }) => {
    await page.setViewportSize(size);
    for (const screen of ['saliency', 'transfer'] as const) {
      await page.goto(`./?screen=${screen}`);
      await prepare(page, screen);
      for (const lecture of [false, true]) {
        if (lecture !== ((await page.getByTestId('lecture-toggle').getAttribute('aria-pressed')) === 'true')) await page.getByTestId('lecture-toggle').click();
        await page.waitForTimeout(200);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${screen} ${lecture ? 'lecture' : 'light'}: page wider than the window by ${overflow}px`).toBeLessThanOrEqual(0);
        const spill = await page.evaluate(() => {
          const out: string[] = [];
          for (const panel of document.querySelectorAll('.panel')) {
            const edge = panel.getBoundingClientRect().right;
            for (const el of panel.querySelectorAll('*')) {
              if (el.closest('.table-scroll, .chip-panel, svg') || getComputedStyle(el).visibility === 'hidden') continue;
              const r = el.getBoundingClientRect();
              if (r.width > 0 && r.right > edge + 1) out.push(`${el.tagName.toLowerCase()}.${(el as HTMLElement).className || ''} "${(el.textContent ?? '').slice(0, 30)}" ends ${Math.round(r.right - edge)}px past its panel`);
            }
          }
          return out.slice(0, 5);
        });
        expect(spill, `${screen} ${lecture ? 'lecture' : 'light'} at ${size.width}: content spills out of a panel`).toEqual([]);
        const name = `${screen}-${lecture ? 'lecture' : 'light'}-${size.width}x${size.height}.png`;
        const path = test.info().outputPath(name);
        await page.screenshot({ path, fullPage: true });
        await test.info().attach(name, { path, contentType: 'image/png' });
      }
    }
  });

declare global {
  interface Window {
    transferlens: { simulateDeviceLoss: () => Promise<string>; trainingBackend: () => string | null };
  }
}

async function trainedBatches(page: Page): Promise<number> {
  const t = (await page.getByTestId('train-progress').textContent().catch(() => '')) ?? '';
  // The run's batches so far, from "epoch e of E · batch b of B" (b within epoch e).
  const m = /epoch (\d+) of \d+ · batch (\d+) of (\d+)/.exec(t);
  return m ? (Number(m[1]) - 1) * Number(m[3]) + Number(m[2]) : 0;
}

test('WebGPU lost mid-run (on its own here, else by device.destroy()): the studio switches backend, says so, and finishes the run', async ({ page }) => {
  // Trunk features first, on WASM (SwiftShader WebGPU is ~100× slower), into the feature cache.
  await page.goto('./?screen=transfer');
  await loadMini(page);
  await page.getByTestId('epochs-input').fill('1');
  await page.getByLabel('Batch', { exact: true }).fill('8');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('last-run-info')).toContainText('best validation accuracy', { timeout: 120_000 });

  // Now the head trains on WebGPU, from the cached features.
  // (A second page of the same profile: same IndexedDB; this page's init script pins WASM.)
  const gpu = await page.context().newPage();
  await useBackend(gpu, 'webgpu');
  await gpu.goto('./?screen=transfer');
  await loadMini(gpu);
  expect(await gpu.evaluate(() => window.transferlens.trainingBackend())).toBe('webgpu');
  // Enough epochs to be mid-run when the device goes: on SwiftShader this head trains 6 epochs in about 3 s.
  await gpu.getByTestId('epochs-input').fill('40');
  await gpu.getByLabel('Batch', { exact: true }).fill('8');
  await gpu.evaluate(() => {
    const w = window as unknown as { __notices: string[] };
    w.__notices = [];
    new MutationObserver(() => {
      const t = document.querySelector('[data-testid="notice"]')?.textContent;
      if (t) w.__notices.push(t);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await gpu.getByTestId('train-start').click();
  // Lose the device for real (device.destroy()) once the head is training. SwiftShader's WebGPU
  // in a worker here used to lose its instance by itself first (during the synchronous weight
  // reads the loop no longer makes); either way it is a real loss.
  await expect.poll(async () => (await trainedBatches(gpu)) > 6 || (await gpu.evaluate(() => window.transferlens.trainingBackend())) !== 'webgpu', { timeout: 120_000 }).toBe(true);
  const how = await gpu.evaluate(() => (window.transferlens.trainingBackend() === 'webgpu' ? window.transferlens.simulateDeviceLoss() : 'lost on its own'));
  await expect(gpu.getByTestId('last-run-info')).toContainText('best validation accuracy', { timeout: 120_000 });
  const notices = await gpu.evaluate(() => (window as unknown as { __notices: string[] }).__notices);
  const switched = notices.find((n) => n.includes('Switched to'));
  console.log(`device loss: ${how}; notice: ${switched}`);
  expect(switched).toMatch(/Training on WEBGPU failed \(.*(WebGPU device was lost|Instance reference no longer exists).*\)\. Switched to (WEBGL|WASM); the run (continues after epoch \d|starts again)/);
  expect(await gpu.evaluate(() => window.transferlens.trainingBackend())).toMatch(/^(webgl|wasm)$/);
  await expect(gpu.getByTestId('epoch-row')).toHaveCount(40);
  const epochs = await gpu.getByTestId('epoch-row').evaluateAll((rows) => rows.map((r) => r.querySelector('td')?.textContent));
  expect(epochs).toEqual(Array.from({ length: 40 }, (_, i) => String(i + 1)));
});

test('a failing backend without a GPU (test hook on WASM): training moves to CPU and finishes all epochs', async ({ page }) => {
  await page.goto('./?screen=transfer');
  await loadMini(page);
  await page.getByTestId('epochs-input').fill('5');
  await page.getByLabel('Batch', { exact: true }).fill('1');
  // Lecture pace (≥ 1 s an epoch), so the failure lands mid-run: unpaced, these 5 epochs take a fraction of a second.
  await page.getByTestId('lecture-toggle').click(); // the pace switch lives in lecture mode
  await page.getByTestId('pace-toggle').check();
  await page.getByTestId('lecture-toggle').click();
  await page.getByTestId('train-start').click();
  await expect.poll(() => trainedBatches(page), { timeout: 120_000, intervals: [50] }).toBeGreaterThan(48 * 2 + 1);
  expect(await page.evaluate(() => window.transferlens.simulateDeviceLoss())).toMatch(/flag/);
  await expect(page.getByTestId('notice')).toContainText(/Switched to CPU; the run continues after epoch [2-4]/, { timeout: 60_000 });
  await expect(page.getByTestId('last-run-info')).toContainText('best validation accuracy', { timeout: 120_000 });
  await expect(page.getByTestId('epoch-row')).toHaveCount(5);
});

test('saliency: a failing backend (test hook) moves the model to the next backend and the map is computed again', async ({ page }) => {
  await page.goto('./?screen=saliency');
  await expect(page.getByTestId('saliency-model')).toContainText('SqueezeNet');
  await page.getByTestId('sample-flamingo.jpg').click();
  await expect(page.getByTestId('map-info')).toContainText('on wasm');
  expect(await page.evaluate(() => (window as unknown as { transferlens: { simulateSaliencyDeviceLoss: () => Promise<string> } }).transferlens.simulateSaliencyDeviceLoss())).toMatch(/flag/);
  await page.getByTestId('method-select').selectOption('gradient-x-input'); // the next map hits the failed backend
  await expect(page.getByTestId('notice')).toContainText(/Saliency on WASM failed .*Switched to CPU/, { timeout: 60_000 });
  await expect(page.getByTestId('map-info')).toContainText(/gradient-x-input .* on cpu/, { timeout: 120_000 });
  await expect(page.getByTestId('backend-chip')).toHaveAttribute('data-backend', 'cpu');
  // The automatic switch is for this session: the stored choice is unchanged.
  expect(await page.evaluate(() => localStorage.getItem('transferlens.backend'))).toBe('wasm');
});
