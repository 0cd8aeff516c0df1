/** Paths to the shared test assets (../shared, or $SHARED_DIR) and the PyTorch reference cache. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
export const SHARED_DIR = resolve(process.env.SHARED_DIR ?? resolve(ROOT, '../shared'));
export const REFERENCE_DIR = resolve(process.env.REFERENCE_DIR ?? resolve(ROOT, '.cache/reference'));

/** Fails the test with a clear message when a shared asset is missing (never skips silently). */
export function sharedFile(rel: string): string {
  const p = resolve(SHARED_DIR, rel);
  if (!existsSync(p)) throw new Error(`missing shared test asset ${p}; set SHARED_DIR to the folder holding models/, images/, labels/, datasets/`);
  return p;
}

export function referenceFile(rel: string): string {
  const p = resolve(REFERENCE_DIR, rel);
  if (!existsSync(p)) throw new Error(`missing PyTorch reference ${p}; run: /usr/bin/python3 scripts/reference/make_reference.py --out ${REFERENCE_DIR}`);
  return p;
}
