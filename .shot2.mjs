import { chromium } from './node_modules/playwright-core/index.mjs';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
for (const [w, h] of [[1280, 720], [1024, 768]]) {
const page = await browser.newPage({ viewport: { width: w, height: h } });
await page.addInitScript(() => localStorage.setItem('transferlens.backend', 'wasm'));
await page.goto('http://127.0.0.1:4179/?screen=saliency');
await page.getByTestId('saliency-model').getByText('SqueezeNet').waitFor({ timeout: 60000 });
await page.keyboard.press('l');
await page.getByTestId('sample-owl.jpg').click();
await page.getByTestId('map-info').getByText('owl.jpg').waitFor({ timeout: 60000 });
await page.waitForTimeout(800);
await page.keyboard.press('m');
await page.waitForTimeout(150);
await page.screenshot({ path: `/tmp/toast-${w}.png` });
const r = await page.evaluate(() => ['notice', 'colormap-select', 'clip-range'].map((id) => { const b = document.querySelector(`[data-testid="${id}"]`)?.getBoundingClientRect(); return b ? [id, Math.round(b.left), Math.round(b.top), Math.round(b.right), Math.round(b.bottom)] : id; }));
console.log(w, JSON.stringify(r), await page.evaluate(() => scrollY));
await page.close();
}
await browser.close();
