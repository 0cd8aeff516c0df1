/** First contact: the lesson launcher gets a newcomer to a map in one click, and to training in one more. */
import { expect, test } from '@playwright/test';
import { useBackend } from './helpers';

test.beforeEach(async ({ page }) => {
  await useBackend(page, 'wasm');
});

test('first visit: the launcher; one click → a rendered saliency map of a sample; then one click → the sample paintings, one more → training', async ({ page }) => {
  await page.goto('./');
  await expect(page.getByTestId('lesson-saliency')).toContainText(/Starts on SqueezeNet/);
  // Each card says it is the way in; the host's command is said to the host, not on the projector.
  await expect(page.getByTestId('lesson-saliency').locator('.lesson-go')).toHaveText('Start →');
  await expect(page.getByTestId('lesson-transfer')).toContainText('npm run assets'); // the course's AlexNet is not in the test assets
  await page.getByTestId('lecture-toggle').click();
  await expect(page.getByTestId('lesson-transfer')).not.toContainText('npm run');
  await page.getByTestId('lecture-toggle').click();
  await page.getByTestId('lesson-saliency').click();
  await expect(page.getByTestId('saliency-map')).toBeVisible({ timeout: 60_000 });
  // The card that was clicked is gone: focus goes on from the new screen, not from nowhere.
  await expect(page.locator('main')).toBeFocused();
  await expect(page.getByTestId('prediction-item').first()).toHaveAttribute('data-class-index', '130'); // the flamingo
  await expect(page.getByTestId('saliency-model')).toContainText('SqueezeNet');

  await page.getByRole('button', { name: 'Lessons' }).click();
  await page.getByTestId('lesson-transfer').click();
  await expect(page.getByTestId('dataset-summary')).toContainText(/280 images in 7 classes/, { timeout: 60_000 });
  // The next click trains: Train is brought into view and focused (in light mode it sits under the
  // paintings, about 1,500 px down), with what it will train on beside it.
  await expect(page.getByTestId('train-start')).toBeFocused();
  await expect(page.getByTestId('train-start')).toBeInViewport();
  await expect(page.getByTestId('train-ready')).toHaveText('Ready: 10 epochs on sample-paintings (224 training and 56 validation images, 7 classes).');
  await page.keyboard.press('Enter');
  // The course recipe (10 epochs) on 224 paintings: the trunk runs once, then every epoch is quick.
  await expect(page.getByTestId('epoch-row')).toHaveCount(10, { timeout: 150_000 });
  const acc = Number(await page.getByTestId('epoch-row').last().getAttribute('data-val-acc'));
  console.log(`sample paintings, SqueezeNet, course recipe: validation accuracy after 10 epochs ${acc.toFixed(3)} (chance ${(1 / 7).toFixed(3)})`);
  expect(acc).toBeGreaterThan(1 / 7);
});

test('every sample photo the app offers is one the installed model gets right (top-1)', async ({ page }) => {
  await page.goto('./?screen=saliency');
  await expect(page.getByTestId('saliency-model')).toContainText('SqueezeNet');
  const samples = (await (await page.request.get('embedded/index.json')).json()) as { images: { file: string; expect: number[] }[] };
  expect(samples.images.length).toBeGreaterThanOrEqual(4);
  for (const s of samples.images) {
    await page.getByTestId(`sample-${s.file}`).click();
    await expect(page.getByTestId('map-info')).toContainText(s.file);
    const top1 = Number(await page.getByTestId('prediction-item').first().getAttribute('data-class-index'));
    expect(s.expect, s.file).toContain(top1);
  }
});

test('the studio opened on a projector offers the missing step where Train waits: one click → the sample paintings, Train ready', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('./?screen=transfer&lecture=1');
  const offer = page.getByTestId('train-sample-dataset');
  await expect(page.getByTestId('train-blocked')).toContainText('Choose the paintings first');
  // The panel it names is a link there: in lecture mode "1 · Paintings" sits below the results.
  await expect(page.getByTestId('blocker-panel')).toHaveText('1 · Paintings ↓');
  await page.getByTestId('blocker-panel').click();
  await expect(page.locator('#data-h')).toBeFocused();
  const top = (await page.locator('#data-h').boundingBox())!.y;
  expect(top).toBeGreaterThanOrEqual(0);
  expect(top).toBeLessThan(360);
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(offer).toBeVisible({ timeout: 60_000 });
  // On the first screen, beside the Train button (the Paintings panel is far below in lecture mode).
  expect((await offer.boundingBox())!.y + 30).toBeLessThan(720);
  await offer.click();
  await expect(page.getByTestId('dataset-summary')).toContainText(/280 images in 7 classes/, { timeout: 60_000 });
  await expect(offer).toBeHidden();
  await expect(page.getByTestId('train-start')).toBeEnabled();
});

test('in light mode the link where Train waits points up: the Paintings panel is above Train there', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('./?screen=transfer&lecture=0');
  const link = page.getByTestId('blocker-panel');
  await expect(link).toHaveText('1 · Paintings ↑', { timeout: 60_000 });
  const pageY = async (sel: string) => page.locator(sel).evaluate((e) => e.getBoundingClientRect().top + window.scrollY);
  expect(await pageY('#data-h')).toBeLessThan(await pageY('[data-testid="blocker-panel"]'));
  await link.click();
  await expect(page.locator('#data-h')).toBeFocused();
});
