/**
 * Makes sure the PyTorch reference outputs exist before the unit tests run. They
 * come from Debian's python3-torch (installed by `npm test`), are cached under
 * .cache/reference and rebuilt when the script that makes them changes.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REFERENCE_DIR, ROOT } from './shared';

export default function setup(): void {
  const script = resolve(ROOT, 'scripts/reference/make_reference.py');
  const hash = createHash('sha256').update(readFileSync(script)).digest('hex').slice(0, 16);
  const stamp = resolve(REFERENCE_DIR, 'STAMP');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  const python = process.env.REFERENCE_PYTHON ?? '/usr/bin/python3';
  try {
    execFileSync(python, ['-c', 'import torch, torchvision'], { stdio: 'pipe' });
  } catch {
    throw new Error(
      `PyTorch reference needs ${python} with torch + torchvision (Debian: apt-get install -y python3-torch python3-torchvision; npm test installs them as root)`,
    );
  }
  console.log('[setup] generating PyTorch reference checkpoints and logits…');
  execFileSync(python, [script, '--out', REFERENCE_DIR], { stdio: 'inherit' });
  writeFileSync(stamp, hash);
}
