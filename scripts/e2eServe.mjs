#!/usr/bin/env node
/** The server the browser tests run against: assets from ../shared, a production build, fixtures, vite preview. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preview } from './lib/preview.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const port = process.env.E2E_PORT ?? '4179';
const shared = resolve(process.env.SHARED_DIR ?? '../shared');

function must(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`✗ ${cmd} ${args.join(' ')} failed`);
    process.exit(1);
  }
}

if (!existsSync(resolve(shared, 'models'))) {
  console.error(`✗ browser tests need the shared test assets at ${shared} (set SHARED_DIR)`);
  process.exit(1);
}
must('npx', ['tsx', 'scripts/assets.ts', '--from', shared]);
must(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn']);
must('npx', ['tsx', 'e2e/fixtures.ts', 'dist/e2e-fixtures']);
preview(port);
