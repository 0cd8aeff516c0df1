/** README's "What bad input gets" is checked against the bad-inputs suites: every quoted message is one a test expects. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../test/shared';

const SUITES = ['scripts/badInputs.test.ts', 'e2e/badInputs.spec.ts', 'src/ml/runtime/download.test.ts', 'src/ml/convert/pth.test.ts', 'scripts/cli.test.ts', 'src/ml/core/dataset.test.ts', 'e2e/saliency.spec.ts', 'src/ml/runtime/modelSource.test.ts'];

describe('README: What bad input gets', () => {
  it('every message quoted in the table appears in a bad-inputs test (as a literal or a regex)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.split('## What bad input gets')[1]!.split('\n## ')[0]!;
    const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| input') && !l.startsWith('|---'));
    expect(rows.length).toBeGreaterThanOrEqual(15);
    // Test sources with regex escapes removed, so /is not a \.zip/ matches "is not a .zip".
    const tests = SUITES.map((f) => readFileSync(join(ROOT, f), 'utf8')).join('\n').replace(/\\(.)/g, '$1');
    const missing: string[] = [];
    for (const row of rows) {
      const seen = row.split('|')[2]!;
      for (const [, quoted] of seen.matchAll(/`([^`]+)`/g))
        for (const fragment of quoted!.split('…').map((f) => f.trim()).filter((f) => f.length >= 6)) if (!tests.includes(fragment)) missing.push(fragment);
    }
    expect(missing).toEqual([]);
  });
});
