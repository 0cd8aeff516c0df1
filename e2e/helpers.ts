import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, type Page } from '@playwright/test';

export const SHARED = resolve(process.env.SHARED_DIR ?? resolve(import.meta.dirname, '../../shared'));
export const FIXTURES = resolve(import.meta.dirname, '../dist/e2e-fixtures');

/**
 * A fresh folder `name` of class folders holding the first `perStyle[style]` WikiArt paintings of
 * each style (from ../shared): what a student picks with "Choose a folder…". Returns its path.
 */
export function paintingsFolder(name: string, perStyle: Record<string, number>): string {
  const root = join(mkdtempSync(join(tmpdir(), `tl-${name}-`)), name);
  for (const [style, n] of Object.entries(perStyle)) {
    mkdirSync(join(root, style), { recursive: true });
    const files = readdirSync(join(SHARED, 'datasets/wikiart7', style)).filter((f) => f.endsWith('.jpg')).sort().slice(0, n);
    for (const f of files) copyFileSync(join(SHARED, 'datasets/wikiart7', style, f), join(root, style, f));
  }
  return root;
}

/** The studio opened with the built-in model, then `root` picked with "Choose a folder…". */
export async function pickFolder(page: Page, root: string): Promise<void> {
  await page.goto('./?screen=transfer');
  await expect(page.getByTestId('transfer-model')).toContainText('SqueezeNet', { timeout: 60_000 });
  await page.getByTestId('dataset-input').setInputFiles(root);
}

/** One epoch at this batch size, started. */
export async function trainOneEpoch(page: Page, batch: number): Promise<void> {
  await page.getByTestId('epochs-input').fill('1');
  await page.getByLabel('Batch', { exact: true }).fill(String(batch));
  await page.getByTestId('train-start').click();
}

/** Pin the backend before the app starts (the choice the backend chip persists). */
export async function useBackend(page: Page, backend: 'wasm' | 'webgpu' | 'webgl' | 'cpu' | 'auto'): Promise<void> {
  await page.addInitScript((b) => {
    if (b === 'auto') localStorage.removeItem('transferlens.backend');
    else localStorage.setItem('transferlens.backend', b);
  }, backend);
}

/** Records every state the model progress bar showed (loads can be faster than a poll). */
export async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __progress: string[] };
    w.__progress = [];
    new MutationObserver(() => {
      const el = document.querySelector('[data-testid="model-progress"]');
      if (el) w.__progress.push(el.textContent ?? '');
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

export function progressLog(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __progress: string[] }).__progress);
}

/** Dispatches a real drop (or paste) event carrying files, as a user's drag from the desktop would. */
export async function dropFiles(page: Page, paths: string[], kind: 'drop' | 'paste' = 'drop'): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const { basename } = await import('node:path');
  const files = paths.map((p) => ({ name: basename(p), b64: readFileSync(p).toString('base64') }));
  await page.evaluate(
    ({ files, kind }) => {
      const dt = new DataTransfer();
      for (const f of files) {
        const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
        const type = f.name.endsWith('.png') ? 'image/png' : f.name.endsWith('.jpg') ? 'image/jpeg' : 'application/octet-stream';
        dt.items.add(new File([bytes], f.name, { type }));
      }
      if (kind === 'paste') document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true }));
      else document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { files, kind },
  );
}

/** Pixels of a canvas, as a plain array of RGBA bytes. */
export function canvasPixels(page: Page, testId: string): Promise<number[]> {
  return page.getByTestId(testId).evaluate((c: HTMLCanvasElement) => Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data));
}

export function stdDev(values: number[]): number {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length);
}
