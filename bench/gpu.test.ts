/** `npm run bench -- --gpu --adapter-only`: names the adapter, or says there is none or only a software one, and exits 0. */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

it('bench --gpu says which WebGPU adapter it would time, and a software one (SwiftShader) is recognised as not a GPU', () => {
  const r = spawnSync('npx', ['tsx', resolve(import.meta.dirname, 'bench.ts'), '--gpu', '--adapter-only'], { encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  const line = r.stdout.split('\n').find((l) => l.startsWith('bench --gpu:'));
  expect(line, r.stdout).toMatch(/^bench --gpu: (no WebGPU adapter in headless Chromium here \(.+\)|the only WebGPU adapter here is software \(.+\), not a GPU|adapter .+; buffers up to \d+ MB per binding)/);
  if (/swiftshader/i.test(line!)) expect(line).toContain('is software');
}, 150_000);
