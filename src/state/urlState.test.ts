import { describe, expect, it } from 'vitest';
import { decodeState, DEFAULT_SHARED, encodeState, readSettings, SETTINGS_KEY, startupState, type SharedState } from './urlState';

const DEFAULTS = DEFAULT_SHARED;

describe('URL state', () => {
  it('defaults make a bare link; changed values round-trip', () => {
    expect(encodeState(DEFAULTS, DEFAULTS).toString()).toBe('');
    const s: SharedState = {
      screen: 'transfer',
      lecture: true,
      model: 'alexnet',
      strategy: 'fc7-fc8',
      config: { ...DEFAULTS.config, optimizer: 'adam', lr: 0.001, batchSize: 64, epochs: 3, seed: 7, unfreezeBlock: true },
      method: 'smoothgrad',
      classIndex: 130,
      sample: 'flamingo.jpg',
    };
    const p = encodeState(s, DEFAULTS);
    expect(p.get('lr')).toBe('0.001');
    expect(p.has('momentum')).toBe(false);
    const back = decodeState(new URLSearchParams(p.toString()));
    expect(back).toEqual({
      screen: 'transfer',
      lecture: true,
      model: 'alexnet',
      strategy: 'fc7-fc8',
      config: { optimizer: 'adam', lr: 0.001, batchSize: 64, epochs: 3, seed: 7, unfreezeBlock: true },
      method: 'smoothgrad',
      classIndex: 130,
      sample: 'flamingo.jpg',
    });
  });

  it('ignores what is invalid, keeps what is valid', () => {
    const d = decodeState(new URLSearchParams('screen=admin&lr=banana&epochs=-3&batch=2.5&strategy=nope&method=magic&class=-1&sample=../../etc/passwd&dropout=0.3'));
    expect(d).toEqual({ config: { dropout: 0.3 } });
  });

  it('a link wins over the stored settings; a bare URL restores them', () => {
    const storage = { getItem: (k: string) => (k === SETTINGS_KEY ? 'screen=saliency&lecture=1&method=gradcam' : null) };
    expect(startupState(new URLSearchParams(''), storage)).toEqual({ screen: 'saliency', lecture: true, method: 'gradcam' });
    expect(startupState(new URLSearchParams('screen=transfer'), storage)).toEqual({ screen: 'transfer' });
    expect(readSettings({ getItem: () => { throw new Error('blocked'); } })).toEqual({});
    expect(readSettings(undefined)).toEqual({});
  });
});
