#!/usr/bin/env node
/** The server the browser tests run against: assets from ../shared, a production build, fixtures, vite preview. */
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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
const server = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--host', '127.0.0.1', '--port', port, '--strictPort'], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => server.kill('SIGTERM'));
process.on('exit', () => server.exitCode === null && server.kill('SIGKILL'));
// npm does not always pass a SIGTERM on to this script: when npm goes, the server goes too.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) server.kill('SIGTERM');
}, 500).unref();
server.on('exit', (c) => process.exit(c ?? 0));
