#!/usr/bin/env node
/**
 * npm start: install dependencies if missing, prepare assets when they can be had,
 * build, and serve the app on 127.0.0.1. Plain Node (no tsx) so it runs before npm ci.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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

if (!existsSync('node_modules/.bin/vite')) run('npm', ['install', '--no-audit', '--no-fund']); // npm ci: see scripts/test.mjs

function hasModels() {
  try {
    return JSON.parse(readFileSync('public/models/index.json', 'utf8')).models.length > 0;
  } catch {
    return false;
  }
}

if (!hasModels()) {
  const shared = resolve(process.env.SHARED_DIR ?? '../shared');
  const from = existsSync(shared) ? ['--', '--from', shared] : [];
  // Assets are a convenience: without them the app still opens and explains how to add a model.
  if (!run('npm', ['run', 'assets', ...from], { optional: true })) console.log('(carrying on without prepared models)');
}

run('npx', ['vite', 'build']);
const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', port, '--strictPort'], { stdio: ['ignore', 'pipe', 'inherit'] });
server.stdout.on('data', (d) => {
  process.stdout.write(d);
  if (String(d).includes('127.0.0.1')) console.log(`\nTransferLens is running at http://127.0.0.1:${port}/  (Ctrl+C to stop)\n`);
});
server.on('exit', (code) => process.exit(code ?? 0));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.kill(sig));
