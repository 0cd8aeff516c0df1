/**
 * First contact, measured on the built app: `npx tsx bench/startup.ts [--runs 5] [--port 4183]`
 * builds `dist/` if it is missing, serves it (`vite preview`), and loads each screen in a fresh
 * headless Chromium context (no service worker, so every load is a first visit) at 1280×720. A
 * long-task observer is installed before the page's own scripts. Prints, per load, the long tasks
 * of the first 4 s, the first contentful paint and the JS the page fetched (workers excluded).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { num, parseArgs } from '../scripts/lib/args';
// @ts-expect-error -- a plain .mjs helper shared with the e2e server
import { preview } from '../scripts/lib/preview.mjs';

const ROOT = resolve(import.meta.dirname, '..');
process.chdir(ROOT);
const args = parseArgs(process.argv.slice(2));
const runs = num(args, 'runs', { integer: true, min: 1, max: 50 }, 5);
const port = String(num(args, 'port', { integer: true, min: 1024, max: 65535 }, 4183));

if (!existsSync(join(ROOT, 'dist/index.html'))) {
  const b = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (b.status !== 0) throw new Error('vite build failed');
}
const server = (preview as (port: string, stdio: string) => { kill: () => void })(port, 'ignore');
const base = `http://127.0.0.1:${port}/`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(base)).ok) break;
  } catch {
    if (i > 100) throw new Error(`the preview server did not answer at ${base}`);
  }
  await new Promise((r) => setTimeout(r, 200));
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
for (const screen of ['', '?screen=saliency', '?screen=transfer']) {
  console.log(`${screen || 'lessons (/)'}:`);
  for (let i = 0; i < runs; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 }, serviceWorkers: 'block' });
    const page = await ctx.newPage();
    let js = 0;
    page.on('response', (r) => {
      if (/\.js$/.test(r.url()) && !/worker/.test(r.url())) void r.body().then((b) => (js += b.length), () => undefined);
    });
    await page.addInitScript(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) w.longTasks.push(Math.round(e.duration));
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(base + screen);
    await page.waitForTimeout(4000);
    const { longTasks, fcp } = await page.evaluate(() => ({
      longTasks: (window as unknown as { longTasks: number[] }).longTasks,
      fcp: Math.round(performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1),
    }));
    console.log(`  long tasks [${longTasks.join(', ')}] ms · first paint ${fcp} ms · page JS ${(js / 2 ** 20).toFixed(2)} MB`);
    await ctx.close();
  }
}
await browser.close();
server.kill();
process.exit(0);
