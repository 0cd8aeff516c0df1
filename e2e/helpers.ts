import { resolve } from 'node:path';
import type { Page } from '@playwright/test';

export const SHARED = resolve(process.env.SHARED_DIR ?? resolve(import.meta.dirname, '../../shared'));
export const FIXTURES = resolve(import.meta.dirname, '../dist/e2e-fixtures');

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
