/** Finding a class by what a person types, on the real ImageNet labels. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedFile } from '../../test/shared';
import { findClass, shortLabel } from './classNames';

const labels = readFileSync(sharedFile('labels/imagenet-classes.txt'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);

describe('findClass', () => {
  it('takes a number, "number: label", a whole label, one of its names, or a part of exactly one label', () => {
    expect(labels).toHaveLength(1000);
    expect(findClass(labels, '130')).toBe(130);
    expect(findClass(labels, '130: flamingo')).toBe(130);
    expect(findClass(labels, 'Tabby, tabby cat')).toBe(281);
    expect(findClass(labels, 'tabby')).toBe(281); // the name the top-5 shows: it did nothing before
    expect(findClass(labels, 'tiger')).toBe(292); // "tiger, Panthera tigris", though "tiger cat" and "tiger shark" contain it
    expect(findClass(labels, 'Panthera tigris')).toBe(292);
  });

  it('says why when no class or several match, and an index out of range', () => {
    expect(findClass(labels, 'zzzz')).toBe('no class matches “zzzz”');
    expect(findClass(labels, 'cat')).toMatch(/^\d+ classes match “cat” \(.+, …\): pick one from the list$/);
    expect(findClass(labels, '1000')).toBe('there is no class 1000 (0–999)');
    expect(findClass(labels, '  ')).toBe('type a class name or number');
  });

  it('a label\'s short name is its first', () => {
    expect(shortLabel('tabby, tabby cat')).toBe('tabby');
    expect(shortLabel('Baroque')).toBe('Baroque');
  });
});
