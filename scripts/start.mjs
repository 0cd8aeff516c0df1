#!/usr/bin/env node
/**
 * npm start: install dependencies if missing, prepare assets when they can be had,
 * build, and serve the app on 127.0.0.1. Plain Node (no tsx) so it runs before npm ci.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preview } from './lib/preview.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const port = process.env.PORT ?? '4173';

function run(cmd, args, { optional = false } = {}) {
  console.log(`\n> ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  if (r.status !== 0 && !optional) {
    console.error(`\n✗ ${cmd} ${args.join(' ')} failed (exit ${r.status}).`);
    process.exit(r.status ?? 1);
  }
  return r.status === 0;
}

if (!existsSync('node_modules/.bin/vite')) run('npm', ['ci', '--no-audit', '--no-fund']);

// The embedded default (public/embedded: SqueezeNet 1.1 and sample photos) always serves both
// lessons; `npm run assets` adds the course's larger models when it can reach them.
if (!existsSync('public/models/index.json')) {
  const shared = resolve(process.env.SHARED_DIR ?? '../shared');
  const from = existsSync(shared) ? ['--', '--from', shared] : [];
  // Assets are a convenience: without them the app still opens and explains how to add a model.
  if (!run('npm', ['run', 'assets', ...from], { optional: true })) console.log('(carrying on with the embedded default model)');
}

run(process.execPath, ['node_modules/vite/bin/vite.js', 'build']);
const server = preview(port, ['ignore', 'pipe', 'inherit']);
server.stdout.on('data', (d) => {
  process.stdout.write(d);
  if (String(d).includes('127.0.0.1')) console.log(`\nTransferLens is running at http://127.0.0.1:${port}/  (Ctrl+C to stop)\n`);
});
