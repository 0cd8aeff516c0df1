/**
 * The projection layout, checked by geometry rather than by eye (and screenshots kept for the eye):
 * at 1024×768, 1280×720 and 1920×1080, light and lecture, on the launcher, the saliency screen,
 * the studio and the models screen: a one-row header, no text overlapping other text, nothing wider than its box, and
 * the map and the top-5 (saliency) or the live curves (studio) on the first screen without scrolling.
 */
import { expect, test, type Page } from '@playwright/test';
import { useBackend } from './helpers';

const SIZES = [
  { width: 1024, height: 768 },
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
];

test.beforeEach(async ({ page }) => {
  await useBackend(page, 'wasm');
});

/** Pairs of visible text boxes that overlap (leaf elements with their own text), as readable strings. */
function overlaps(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const boxes: { el: Element; r: DOMRect; t: string }[] = [];
    const walker = document.createTreeWalker(document.querySelector('main') ?? document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set<Element>();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || seen.has(el) || !n.textContent?.trim() || el.closest('svg, .sr-only, dialog:not([open]), option, select, #learn') || el.closest('details:not([open]) > :not(summary)')) continue;
      seen.add(el);
      const cs = getComputedStyle(el);
      if (cs.visibility === 'hidden' || cs.display === 'none' || Number(cs.opacity) === 0) continue;
      // What a scrolling or clipping ancestor hides is not on screen: clip each box to them.
      const clips: DOMRect[] = [];
      for (let a = el.parentElement; a; a = a.parentElement) {
        const o = getComputedStyle(a);
        if (o.overflowX !== 'visible' || o.overflowY !== 'visible') clips.push(a.getBoundingClientRect());
      }
      const range = document.createRange();
      range.selectNodeContents(el);
      for (const raw of range.getClientRects()) {
        let [l, t, r, b] = [raw.left, raw.top, raw.right, raw.bottom];
        for (const c of clips) [l, t, r, b] = [Math.max(l, c.left), Math.max(t, c.top), Math.min(r, c.right), Math.min(b, c.bottom)];
        if (r - l > 2 && b - t > 2) boxes.push({ el, r: new DOMRect(l, t, r - l, b - t), t: (el.textContent ?? '').trim().slice(0, 24) });
      }
    }
    const out: string[] = [];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        if (a.el === b.el || a.el.contains(b.el) || b.el.contains(a.el)) continue;
        const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
        const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
        if (w > 2 && h > 2) out.push(`"${a.t}" overlaps "${b.t}" (${Math.round(w)}×${Math.round(h)} px)`);
      }
    return out.slice(0, 6);
  });
}

/** Elements whose content is wider than their box (clipped text or controls), outside scroll areas; a select whose chosen option does not fit it. */
function clipped(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const ctx = document.createElement('canvas').getContext('2d')!;
    for (const sel of document.querySelectorAll<HTMLSelectElement>('main select, header select')) {
      const cs = getComputedStyle(sel);
      if (cs.display === 'none' || sel.getBoundingClientRect().width === 0 || sel.closest('#learn, details:not([open]) > :not(summary)')) continue;
      ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const text = sel.selectedOptions[0]?.text ?? '';
      // Room for the text: the box less its padding and the drop-down arrow (about 1 em).
      const room = sel.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - parseFloat(cs.fontSize);
      const need = ctx.measureText(text).width;
      if (need > room + 4) out.push(`select "${text.slice(0, 24)}" shows its choice cut (${Math.round(need - room)}px too narrow)`);
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push(`the page is ${document.documentElement.scrollWidth - window.innerWidth}px wider than the window`);
    for (const el of document.querySelectorAll('main *, header *')) {
      if (el.closest('svg, .table-scroll, .chip-panel, .run-legend, #learn, select, option, .sr-only, details:not([open]) > :not(summary)') || !(el instanceof HTMLElement)) continue;
      const cs = getComputedStyle(el);
      if (cs.display === 'none' || cs.visibility === 'hidden' || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') continue;
      if (el.scrollWidth > el.clientWidth + 2 && (cs.overflowX === 'hidden' || cs.overflowX === 'clip' || cs.textOverflow === 'ellipsis'))
        out.push(`${el.tagName.toLowerCase()}.${el.className} "${(el.textContent ?? '').slice(0, 24)}" is clipped by ${el.scrollWidth - el.clientWidth}px`);
      const r = el.getBoundingClientRect();
      const parent = el.closest('.panel, header');
      if (parent && parent !== el && r.width > 0) {
        const p = parent.getBoundingClientRect();
        if (r.right > p.right + 2) out.push(`${el.tagName.toLowerCase()}.${el.className} "${(el.textContent ?? '').slice(0, 24)}" ends ${Math.round(r.right - p.right)}px past its ${parent.tagName.toLowerCase()}`);
      }
    }
    return out.slice(0, 6);
  });
}

/**
 * Chart axis labels closer than a space to their neighbours (Recharts spaced them by its own font
 * size, not the page's), or cut by the chart's edge; any two texts of a chart (tick labels,
 * axis titles, the legend, reference labels) that overlap; an axis whose ticks are not one round step.
 */
function tickOverlaps(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const chart of document.querySelectorAll('main .recharts-wrapper')) {
      const texts = [...chart.querySelectorAll('text, .recharts-legend-item-text')].map((t) => ({ r: t.getBoundingClientRect(), t: t.textContent ?? '' })).filter((x) => x.r.width > 0 && x.t.trim());
      for (let i = 0; i < texts.length; i++)
        for (let j = i + 1; j < texts.length; j++) {
          const [a, b] = [texts[i]!, texts[j]!];
          const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
          const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
          if (w > 1 && h > 1) out.push(`chart texts "${a.t}" and "${b.t}" overlap (${Math.round(w)}×${Math.round(h)} px)`);
        }
    }
    for (const axis of document.querySelectorAll('main .recharts-xAxis-tick-labels')) {
      const ticks = [...axis.querySelectorAll('text')].map((t) => ({ r: t.getBoundingClientRect(), t: t.textContent ?? '' })).filter((x) => x.r.width > 0);
      ticks.sort((a, b) => a.r.left - b.r.left);
      const box = axis.closest('svg')!.getBoundingClientRect();
      for (const x of ticks) if (x.r.left < box.left - 1 || x.r.right > box.right + 1) out.push(`axis label "${x.t}" is cut by its chart's edge`);
      for (let i = 1; i < ticks.length; i++)
        if (ticks[i]!.r.left < ticks[i - 1]!.r.right + 4) out.push(`axis labels "${ticks[i - 1]!.t}" and "${ticks[i]!.t}" run together`);
    }
    // Every number axis counts in one round step (1, 2, 2.5 or 5 × 10^k): 0, 1, 2, 3, 4, not 0, 0.85, 1.7, nor 0, 0.8, 1.6, nor 1, 3, 5, 7, 8.
    for (const axis of document.querySelectorAll('main .recharts-cartesian-axis-tick-labels')) {
      const v = [...axis.querySelectorAll('text')].map((t) => Number(t.textContent)).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
      const step = v.length > 1 ? v[1]! - v[0]! : 0;
      const m = step > 0 ? +(step / 10 ** Math.floor(Math.log10(step))).toPrecision(6) : 1;
      const even = v.every((x, i) => i === 0 || Math.abs(x - v[i - 1]! - step) < 1e-9 * Math.max(1, x));
      if (!even || ![1, 2, 2.5, 5].includes(m)) out.push(`axis ticks ${v.join(', ')} are not in one round step`);
    }
    return out.slice(0, 6);
  });
}

/**
 * On a projector every word is at least 16 px: in the Learn drawer at any width (its layer table was
 * 13.6 px), on the whole page from 1280 px up (the header was 15.4 px there).
 */
function smallText(page: Page, root: string): Promise<string[]> {
  return page.evaluate((root) => {
    if (!document.querySelector('.app.lecture')) return [];
    const within = document.querySelector(root);
    if (!within) return [];
    const small = [...within.querySelectorAll('*')].filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim()) && el.getClientRects().length > 0 && !el.closest('.sr-only, svg') && parseFloat(getComputedStyle(el).fontSize) < 16);
    return small.length ? [`${small.length} texts in ${root} are under 16 px, e.g. "${small[0]!.textContent!.trim().slice(0, 24)}" at ${getComputedStyle(small[0]!).fontSize}`] : [];
  }, root);
}

/** The Learn drawer: everything in it inside its width (tables scroll inside their own box), its Close button on screen, its words projector-sized. */
async function drawerProblems(page: Page): Promise<string[]> {
  return [...(await drawerBox(page)), ...(await smallText(page, '#learn'))];
}

function drawerBox(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const drawer = document.querySelector('#learn');
    if (!drawer) return ['the Learn drawer is not open'];
    const box = drawer.getBoundingClientRect();
    if (box.right > window.innerWidth + 1) out.push(`the Learn drawer ends ${Math.round(box.right - window.innerWidth)}px past the window`);
    if (drawer.scrollWidth > drawer.clientWidth + 2) out.push(`the Learn drawer's content is ${drawer.scrollWidth - drawer.clientWidth}px wider than the drawer`);
    for (const el of drawer.querySelectorAll('*')) {
      if (el.closest('.table-scroll, svg, .sr-only')) continue;
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > box.right + 2) out.push(`${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 24)}" ends ${Math.round(r.right - box.right)}px past the Learn drawer`);
    }
    // Beside the page (≥ 60rem): a column of it, its top level with the screen's first panel, its right edge with the header's.
    if (window.innerWidth >= 960) {
      const screen = document.querySelector('main > :not(#learn)')?.getBoundingClientRect();
      const header = document.querySelector('header.top')!.getBoundingClientRect();
      if (screen && Math.abs(box.top - screen.top) > 2) out.push(`the Learn drawer's top is ${Math.round(box.top - screen.top)}px off the screen's first panel`);
      if (Math.abs(box.right - header.right) > 2) out.push(`the Learn drawer's right edge is ${Math.round(box.right - header.right)}px off the header's`);
    }
    const close = document.querySelector('[data-testid="learn-close"]')?.getBoundingClientRect();
    if (!close || close.right > window.innerWidth || close.bottom > window.innerHeight || close.top < 0) out.push('the Learn drawer\'s Close button is off screen');
    return out.slice(0, 6);
  });
}

/** The elements (by test id) that the Learn drawer covers: on a wide screen it sits beside the page, so the formula and the map are seen together. */
function underDrawer(page: Page, ids: string[]): Promise<string[]> {
  return page.evaluate((ids) => {
    const d = document.querySelector('#learn')?.getBoundingClientRect();
    if (!d) return ['the Learn drawer is not open'];
    return ids.flatMap((id) => {
      const r = document.querySelector(`[data-testid="${id}"]`)?.getBoundingClientRect();
      if (!r || r.width === 0) return [`${id} is not shown`];
      const covered = Math.min(r.right, d.right) - Math.max(r.left, d.left);
      const rows = Math.min(r.bottom, d.bottom) - Math.max(r.top, d.top);
      return covered > 1 && rows > 1 ? [`the Learn drawer covers ${Math.round(covered)}px of ${id}`] : [];
    });
  }, ids);
}

async function headerRows(page: Page): Promise<number> {
  return page.evaluate(() => {
    // Every control of the header, not just its groups: a group that wraps inside itself is two rows too.
    const kids = [...document.querySelectorAll('header.top h1, header.top button, header.top summary')].map((e) => e.getBoundingClientRect()).filter((r) => r.height > 0);
    const tops = kids.map((r) => r.top + r.height / 2);
    const tallest = Math.max(...kids.map((r) => r.height));
    return Math.max(...tops) - Math.min(...tops) > tallest / 2 ? 2 : 1;
  });
}

async function inFirstScreen(page: Page, testId: string): Promise<string | null> {
  await page.evaluate(() => window.scrollTo(0, 0));
  const box = await page.getByTestId(testId).boundingBox();
  const vh = page.viewportSize()!.height;
  if (!box) return `${testId} is not shown`;
  return box.y >= 0 && box.y + box.height <= vh + 1 ? null : `${testId} spans ${Math.round(box.y)}–${Math.round(box.y + box.height)} px, the first screen ends at ${vh}`;
}

async function setLecture(page: Page, on: boolean) {
  if (on !== ((await page.getByTestId('lecture-toggle').getAttribute('aria-pressed')) === 'true')) await page.getByTestId('lecture-toggle').click();
  await page.waitForTimeout(250);
}

for (const size of SIZES)
  test(`projection layout at ${size.width}×${size.height}, light and lecture: one-row header, no overlap, no clipping, the map and the curves on the first screen`, async ({ page }) => {
    test.setTimeout(240_000);
    await page.setViewportSize(size);
    const problems: string[] = [];
    const check = async (where: string, first: string[] = []) => {
      for (const p of await overlaps(page)) problems.push(`${where}: ${p}`);
      for (const p of await clipped(page)) problems.push(`${where}: ${p}`);
      for (const p of await tickOverlaps(page)) problems.push(`${where}: ${p}`);
      if ((await headerRows(page)) > 1) problems.push(`${where}: the header takes two rows`);
      if (size.width >= 1280) for (const p of await smallText(page, 'body')) problems.push(`${where}: ${p}`);
      for (const id of first) {
        const miss = await inFirstScreen(page, id);
        if (miss) problems.push(`${where}: ${miss}`);
      }
      const name = `${where.replace(/ /g, '-')}-${size.width}x${size.height}.png`;
      const path = test.info().outputPath(name);
      await page.screenshot({ path });
      await test.info().attach(name, { path, contentType: 'image/png' });
    };
    await page.goto('./');
    await expect(page.getByTestId('lesson-saliency')).toBeVisible();
    for (const lecture of [false, true]) {
      await setLecture(page, lecture);
      await check(`launcher ${lecture ? 'lecture' : 'light'}`);
    }
    await setLecture(page, false);
    await page.getByTestId('lesson-saliency').click();
    await expect(page.getByTestId('saliency-map')).toBeVisible({ timeout: 60_000 });
    for (const lecture of [false, true]) {
      await setLecture(page, lecture);
      // The photo's map and what the network predicts, together on one projected screen.
      // On the projector, with the display controls that change the map (they were 75 px below the first screen at 1280×720).
      await check(`saliency ${lecture ? 'lecture' : 'light'}`, ['saliency-map', 'saliency-predictions', 'map-method', ...(lecture ? ['colormap-select', 'clip-range'] : [])]);
      if (lecture) {
        // Explaining the second class: the map is redrawn where it was (a caption above the list pushed it 80 px down).
        const mapTop = async () => (await page.getByTestId('saliency-map').boundingBox())!.y;
        const before = await mapTop();
        await page.getByTestId('saliency-predictions').locator('.pred-pick').nth(1).click();
        await expect(page.getByTestId('saliency-predictions').locator('.pred-pick').nth(1)).toHaveAttribute('aria-pressed', 'true');
        const moved = (await mapTop()) - before;
        if (Math.abs(moved) > 1) problems.push(`saliency lecture: explaining another class moved the map ${Math.round(moved)}px`);
        await page.getByTestId('saliency-predictions').locator('.pred-pick').first().click();
        await expect(page.getByTestId('saliency-predictions').locator('.pred-pick').first()).toHaveAttribute('aria-pressed', 'true');
      }
      await page.getByTestId('learn-toggle').click();
      await expect(page.getByTestId('learn-panel')).toBeVisible();
      if (await inFirstScreen(page, 'saliency-map')) problems.push(`saliency ${lecture ? 'lecture' : 'light'} + Learn: the map left the first screen`);
      for (const p of await drawerProblems(page)) problems.push(`saliency ${lecture ? 'lecture' : 'light'} + Learn: ${p}`);
      for (const p of await underDrawer(page, ['saliency-overlay', 'saliency-map', 'saliency-predictions'])) problems.push(`saliency ${lecture ? 'lecture' : 'light'} + Learn: ${p}`);
      await page.screenshot({ path: test.info().outputPath(`saliency-learn-${lecture ? 'lecture' : 'light'}-${size.width}x${size.height}.png`) });
      // Escape closes it, as it does the other popovers.
      await page.keyboard.press('Escape');
      await expect(page.getByTestId('learn-panel')).toBeHidden();
    }
    // Inside the network: the activation explorer open on conv1 (filters + maps), in both modes.
    await page.getByTestId('activation-view').locator('summary').click();
    await expect(page.getByTestId('activation-maps')).toBeVisible({ timeout: 60_000 });
    for (const lecture of [true, false]) {
      await setLecture(page, lecture);
      await page.getByTestId('activation-filters').scrollIntoViewIfNeeded();
      await check(`inside ${lecture ? 'lecture' : 'light'}`);
    }
    await page.getByTestId('activation-view').locator('summary').click();
    await page.evaluate(() => window.scrollTo(0, 0));
    await setLecture(page, false);
    await page.getByRole('button', { name: 'Lessons' }).click();
    await page.getByTestId('lesson-transfer').click();
    await expect(page.getByTestId('dataset-summary')).toBeVisible({ timeout: 60_000 });
    await page.getByTestId('epochs-input').fill('2');
    await page.getByLabel('Batch', { exact: true }).fill('8'); // 56 batches: a loss axis with many labels
    await page.getByTestId('train-start').click();
    await expect(page.getByTestId('epoch-row')).toHaveCount(2, { timeout: 120_000 });
    for (const lecture of [false, true]) {
      await setLecture(page, lecture);
      await check(`studio ${lecture ? 'lecture' : 'light'}`, lecture ? ['loss-chart'] : []);
      // Each chart's plot keeps room for its curves whatever the type size (at a fixed 240 px, lecture mode's axes left 120 px).
      const plots = await page.locator('.charts figure').evaluateAll((figs) => figs.map((f) => [f.getAttribute('data-testid'), Math.round(f.querySelector('.recharts-cartesian-grid')?.getBoundingClientRect().height ?? 0)] as const));
      for (const [id, h] of plots) if (h < 150) problems.push(`studio ${lecture ? 'lecture' : 'light'}: the ${id}'s plot is ${h} px tall (under 150)`);
      if (lecture) {
        // The page's order is the screen's: from the top, Tab reaches Train first (CSS order once sent it 1,300 px down, to the paintings).
        await page.evaluate(() => document.getElementById('main')!.focus());
        await page.keyboard.press('Tab');
        if ((await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))) !== 'train-start') problems.push('studio lecture: the first Tab does not reach Train');
        // The results, a screen or more below the curves, are one click away, and the confusion matrix fits the screen.
        await page.getByTestId('results-jump').click();
        await expect(page.locator('#results-h')).toBeFocused();
        const top = (await page.locator('#results-h').boundingBox())!.y;
        if (top < -2 || top > size.height / 2) problems.push(`studio lecture: "See the results" left the Results heading at y = ${Math.round(top)}`);
        // The confusion matrix is what it lands on, above the per-epoch table (ten rows of it, a screen tall here, pushed the matrix below the window).
        const cmTop = (await page.getByTestId('confusion-matrix').boundingBox())!.y;
        const tableTop = (await page.locator('table.epochs').boundingBox())!.y;
        if (cmTop > size.height * 0.6 || cmTop > tableTop) problems.push(`studio lecture: "See the results" left the confusion matrix at y = ${Math.round(cmTop)} (the per-epoch table at ${Math.round(tableTop)})`);
        const cm = await page.getByTestId('confusion-matrix').evaluate((t) => [t.parentElement!.scrollWidth, t.parentElement!.clientWidth]);
        if (size.width >= 1280 && cm[0]! > cm[1]! + 1) problems.push(`studio lecture: the confusion matrix scrolls sideways (${cm[0]} px in ${cm[1]})`);
        await page.evaluate(() => window.scrollTo(0, 0));
      }
      // The studio's Learn: the fine-tuning guide's table and the architecture.
      await page.getByTestId('learn-toggle').click();
      // Opened, the focus is in it, at its heading (Close was four Tabs away).
      await expect(page.locator('#learn-h')).toBeFocused();
      for (const p of await drawerProblems(page)) problems.push(`studio ${lecture ? 'lecture' : 'light'} + Learn: ${p}`);
      for (const p of await underDrawer(page, ['train-start', 'loss-chart'])) problems.push(`studio ${lecture ? 'lecture' : 'light'} + Learn: ${p}`);
      await page.screenshot({ path: test.info().outputPath(`studio-learn-${lecture ? 'lecture' : 'light'}-${size.width}x${size.height}.png`) });
      await page.getByTestId('learn-close').click();
      // Its Close button is gone with it: focus goes back to the Learn button (it fell to <body>, and Tab started over).
      await expect(page.getByTestId('learn-toggle')).toBeFocused();
    }
    // The feature space, trunk and head side by side.
    await page.getByTestId('embedding-start').click();
    await expect(page.getByTestId('embedding-plot-head')).toBeVisible({ timeout: 60_000 });
    for (const lecture of [true, false]) {
      await setLecture(page, lecture);
      await page.getByTestId('embedding-plot').scrollIntoViewIfNeeded();
      await check(`features ${lecture ? 'lecture' : 'light'}`);
    }
    // The models screen: the installed-model list is the widest control (its option text is long).
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByRole('button', { name: 'Models', exact: true }).click();
    await expect(page.getByTestId('model-select')).toBeVisible();
    for (const lecture of [true, false]) {
      await setLecture(page, lecture);
      await check(`models ${lecture ? 'lecture' : 'light'}`);
    }
    expect(problems).toEqual([]);
  });

test('a window narrower than a projector (800 px, 600 px): the header wraps, nothing runs off the side', async ({ page }) => {
  for (const width of [800, 600]) {
    await page.setViewportSize({ width, height: 700 });
    for (const screen of ['saliency', 'transfer', 'models']) {
      await page.goto(`./?screen=${screen}`);
      await expect(page.getByTestId('backend-chip')).toBeVisible({ timeout: 60_000 });
      await page.waitForTimeout(500);
      // At 800 px the one-row header was 986 px wide: Copy link, ? and the chip off screen, the page scrolling sideways.
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(wide, `${screen} at ${width} px`).toBeLessThanOrEqual(width);
      const chip = (await page.getByTestId('backend-chip').boundingBox())!;
      expect(chip.x + chip.width, `the backend chip on ${screen} at ${width} px`).toBeLessThanOrEqual(width);
    }
  }
});

test('a new image is brought into view where the maps sit below the inputs (800 px), and nothing moves where they sit beside them; a class explained from below brings its map back', async ({ page }) => {
  const mapsTop = () => page.locator('.sal-maps').evaluate((e) => e.getBoundingClientRect().top);
  await page.setViewportSize({ width: 800, height: 700 });
  await page.goto('./?screen=saliency');
  await expect(page.getByTestId('saliency-model')).toContainText('SqueezeNet', { timeout: 60_000 });
  await expect(page.getByTestId('maps-empty')).toBeAttached();
  expect(await mapsTop()).toBeGreaterThan(700); // stacked under the inputs: a new map would appear unseen
  // In one step: the panel is at the top as soon as the image is given, before its map comes (an
  // empty panel near the page's end stopped short, and the page moved again with the map).
  const atTop = async (what: string) => {
    const top = await mapsTop();
    expect(top, what).toBeGreaterThanOrEqual(-1);
    expect(top, what).toBeLessThan(100);
  };
  await page.getByTestId('sample-owl.jpg').click();
  await atTop('at once, owl.jpg');
  await expect(page.getByTestId('map-info')).toContainText('owl.jpg', { timeout: 60_000 });
  await atTop('with its map, owl.jpg');
  // The next image, given from the page's top, takes the first one's place: one step again.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByTestId('sample-flamingo.jpg').click();
  await atTop('at once, flamingo.jpg');
  await expect(page.getByTestId('map-info')).toContainText('flamingo.jpg', { timeout: 60_000 });
  await atTop('with its map, flamingo.jpg');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByTestId('sample-cat.jpg').click();
  await expect(page.getByTestId('map-info')).toContainText('cat.jpg', { timeout: 60_000 });
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  // Lecture mode, another class typed in "Explain another class" far down the left column: the map it explains comes back into view (it stayed above the window).
  await page.keyboard.press('l');
  await page.getByTestId('class-picker').scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 400));
  expect(await mapsTop()).toBeLessThan(-40);
  await page.getByTestId('class-picker').fill('tabby');
  await page.getByTestId('class-picker').press('Enter');
  await expect(page.getByTestId('map-info')).toContainText('class 281', { timeout: 60_000 });
  await expect.poll(mapsTop).toBeGreaterThanOrEqual(-1);
  expect(await mapsTop()).toBeLessThan(100);
});
