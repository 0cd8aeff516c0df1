import { describe, expect, it } from 'vitest';
import { runNames } from './runNames';
import type { SavedRun } from './slices/transfer';

const run = (id: string, config: Partial<SavedRun['config']>, epochs = 2, dataset = 'paintings'): SavedRun =>
  ({
    id,
    label: `New fc8 only · ${config.optimizer ?? 'sgd'} lr ${config.lr ?? 0.01} · 11:34:0${id.length} PM`,
    dataset,
    config: { optimizer: 'sgd', lr: 0.01, momentum: 0.9, batchSize: 128, epochs: 10, dropout: 0.5, weightDecay: 0, seed: 0, ...config },
    epochs: Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1 })),
  }) as unknown as SavedRun;

describe('runNames', () => {
  it('leaves runs that differ in their label alone', () => {
    const runs = [run('a', {}), run('b', { lr: 0.1 })];
    expect([...runNames(runs).values()]).toEqual(runs.map((r) => r.label));
    expect([...runNames([runs[0]!]).values()]).toEqual([runs[0]!.label]);
  });

  it('names what sets runs apart, before the time: batch and epochs trained', () => {
    const names = runNames([run('a', { batchSize: 500 }, 1), run('bb', { batchSize: 56 }, 18)]);
    expect(names.get('a')).toBe('New fc8 only · sgd lr 0.01 · batch 500 · 1 epoch · 11:34:01 PM');
    expect(names.get('bb')).toBe('New fc8 only · sgd lr 0.01 · batch 56 · 18 epochs · 11:34:02 PM');
  });

  it('compact, for a menu: only what differs, then the time', () => {
    const runs = [run('a', { batchSize: 500 }, 1), run('bb', { batchSize: 56 }, 18), run('ccc', { batchSize: 56, lr: 0.1 }, 18)];
    const names = runNames(runs, true);
    expect(names.get('a')).toBe('sgd lr 0.01 · batch 500 · 1 epoch · 11:34:01 PM');
    expect(names.get('ccc')).toBe('sgd lr 0.1 · batch 56 · 18 epochs · 11:34:03 PM');
    expect(runNames([runs[0]!], true).get('a')).toBe('11:34:01 PM');
  });

  it('dropout, momentum (SGD only), weight decay and seed when they differ', () => {
    const names = runNames([run('a', { dropout: 0, seed: 1 }), run('bb', { dropout: 0.5, seed: 2, weightDecay: 0.001 }, 2, 'three')]);
    expect(names.get('a')).toBe('New fc8 only · sgd lr 0.01 · dropout 0 · weight decay 0 · seed 1 · 11:34:01 PM');
    expect(names.get('bb')).toBe('New fc8 only · sgd lr 0.01 · dropout 0.5 · weight decay 0.001 · seed 2 · 11:34:02 PM');
    const adam = runNames([run('a', { optimizer: 'adam', momentum: 0.9 }), run('bb', { optimizer: 'adam', momentum: 0.5 })]);
    expect(adam.get('a')).toBe(run('a', { optimizer: 'adam' }).label);
  });
});
