import { describe, expect, it } from 'vitest';
import { parseLabels, parseMeta, PREPROCESS } from './metadata';

const info = { inputShape: [null, 192, 160, 3], numOutputs: 4, name: 'mine' };

describe('parseMeta', () => {
  it('a model without metadata gets defaults the user can change', () => {
    const { meta, fromFile, warnings } = parseMeta(undefined, info);
    expect(fromFile).toBe(false);
    expect(warnings).toEqual([]);
    expect(meta.inputSize).toEqual([192, 160]);
    expect(meta.preprocess).toEqual(PREPROCESS.unit);
    expect(meta.labels).toEqual(['class 0', 'class 1', 'class 2', 'class 3']);
    expect(meta.trunkOutput).toBeNull();
  });

  it('keeps valid fields and reports bad ones instead of failing', () => {
    const { meta, warnings } = parseMeta(
      { transferlens: { arch: 'x', inputSize: 'big', preprocess: { mode: 'torch', std: [0, 1, 1] }, labels: ['a', 'b'] } },
      info,
    );
    expect(meta.arch).toBe('x');
    expect(meta.inputSize).toEqual([192, 160]);
    expect(meta.preprocess.std).toEqual(PREPROCESS.torch.std); // a zero std would divide by zero
    expect(meta.labels).toHaveLength(4);
    expect(warnings.join(' ')).toMatch(/inputSize/);
    expect(warnings.join(' ')).toMatch(/2 labels/);
  });

  it('parses label files, one class per non-empty line', () => {
    expect(parseLabels('tench, Tinca tinca\r\ngoldfish\n\n')).toEqual(['tench, Tinca tinca', 'goldfish']);
  });
});

describe('strategy labels follow the model', async () => {
  const { strategyLabel } = await import('./vocab');
  it('AlexNet/VGG16 name fc6–fc8; SqueezeNet names conv10, never fc layers it does not have', () => {
    expect(strategyLabel('fc8', ['fc6', 'fc7', 'fc8'])).toBe('Replace the last layer (new fc8; trunk, fc6, fc7 frozen)');
    expect(strategyLabel('fc7-fc8', ['fc6', 'fc7', 'fc8'])).toBe('Replace the last two layers (new fc7 + fc8; trunk, fc6 frozen) — the course recipe');
    expect(strategyLabel('fc8', ['conv10'])).toBe('Replace the last layer (new conv10; trunk frozen)');
    expect(strategyLabel('fc8', ['conv10'])).not.toMatch(/fc6|fc7/);
    // Lecture mode's short names, from the model's own layers.
    expect(strategyLabel('fc7-fc8', ['fc6', 'fc7', 'fc8'], true)).toBe('New fc7 + fc8 (course)');
    expect(strategyLabel('fc8', ['conv10'], true)).toBe('New conv10 only');
    // The strategies SqueezeNet cannot take keep the course's names: four options, four names (two read "New conv10 only").
    const squeeze = (['fc8', 'fc7-fc8', 'fc6-head', 'all-fc'] as const).map((s) => strategyLabel(s, ['conv10'], true));
    expect(new Set(squeeze).size).toBe(4);
    expect(squeeze[1]).toBe('New fc7 + fc8 (course)');
  });
});
