/** The shape of the tree (issue: a layout that shows the architecture): no import cycle, small files that say what they own. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCycles, importGraph } from '../test/importGraph';

const SRC = resolve(import.meta.dirname);
const graph = importGraph(SRC);

describe('source tree', () => {
  it('has no import cycle', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(findCycles(graph).map((c) => c.join(' → '))).toEqual([]);
  });

  it('has no file over 300 lines (tests aside), and each opens with a comment saying what it owns', () => {
    const long: string[] = [];
    const silent: string[] = [];
    for (const f of graph.keys()) {
      const text = readFileSync(join(SRC, f), 'utf8');
      if (text.split('\n').length > 300) long.push(f);
      const head = text.replace(/^\/\/\/ <reference[^\n]*\n/, '').trimStart();
      if (!/^(\/\*\*|\/\/)/.test(head) && !f.endsWith('.d.ts')) silent.push(f);
    }
    expect(long).toEqual([]);
    expect(silent).toEqual([]);
  });
});
