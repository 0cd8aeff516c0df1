#!/usr/bin/env node
/**
 * npm test: install what the tests need, then type-check, lint, unit tests (Vitest,
 * Node) and browser tests (Playwright + Debian's Chromium). Exits non-zero on any failure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const python = process.env.REFERENCE_PYTHON ?? '/usr/bin/python3';

function run(cmd, args, opts = {}) {
  console.log(`\n> ${cmd} ${args.join(' ')}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env, ...opts });
  return { ok: r.status === 0, s: ((Date.now() - t0) / 1000).toFixed(0) };
}

function quiet(cmd, args) {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

// 1. npm packages
if (!existsSync('node_modules/.bin/vitest') || !existsSync('node_modules/.bin/playwright')) {
  if (!run('npm', ['ci', '--no-audit', '--no-fund']).ok) {
    console.error('✗ npm ci refused package-lock.json: commit the lock that `npm install` writes');
    process.exit(1);
  }
}

// 2. Debian packages: Chromium for the browser tests, PyTorch as the converter's reference.
const missing = [];
if (!existsSync(chromium)) missing.push('chromium');
// GNU time measures the bad-input probes' peak memory.
if (!existsSync('/usr/bin/time')) missing.push('time');
if (!quiet(python, ['-c', 'import torch, torchvision'])) missing.push('python3-torch', 'python3-torchvision');
if (missing.length) {
  if (process.getuid?.() !== 0) {
    console.error(`✗ missing system packages: ${missing.join(' ')}. Install them (sudo apt-get install -y ${missing.join(' ')}) and run npm test again.`);
    process.exit(1);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Wait for another install's dpkg lock (up to 10 min) instead of failing at once.
  const lock = ['-o', 'DPkg::Lock::Timeout=600'];
  if (!run('apt-get', [...lock, 'update', '-qq'], { env }).ok || !run('apt-get', [...lock, 'install', '-y', '-q', '--no-install-recommends', ...missing], { env }).ok) {
    console.error('✗ apt-get could not install the test dependencies');
    process.exit(1);
  }
}

// 3. The checks. All run, so one failure does not hide another.
const steps = [
  ['type-check', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['lint', 'npx', ['eslint', '--max-warnings=0', 'src', 'scripts', 'e2e', 'test', 'bench']],
  ['unit tests (Vitest, Node)', 'npx', ['vitest', 'run']],
  ['browser tests (Playwright, Chromium)', 'npx', ['playwright', 'test']],
];
const results = [];
for (const [name, cmd, args] of steps) {
  const r = run(cmd, args);
  results.push({ name, ...r });
}
console.log('\nnpm test summary:');
for (const r of results) console.log(`  ${r.ok ? '✓' : '✗'} ${r.name} (${r.s} s)`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
