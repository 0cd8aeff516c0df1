/**
 * The state that matters, as URL parameters (shareable links) and as a localStorage record
 * (settings that survive a reload). Pure functions: the App wires them to the store.
 */
import { COURSE_RECIPE, isSaliencyMethod, isStrategy, RECIPE_RANGES, type NumberRange, type Strategy, type TrainConfig } from '../ml/core/vocab';
import type { SaliencyParams } from '../worker/model/protocol';
import type { Screen } from './slices/ui';

export interface SharedState {
  screen: Screen;
  lecture: boolean;
  /** Id of a model in the models index. */
  model: string | null;
  strategy: Strategy;
  config: TrainConfig;
  method: SaliencyParams['method'];
  /** The class the maps explain; null = top-1. */
  classIndex: number | null;
  /** A sample photo (public/embedded/sample-images) shown on the saliency screen. */
  sample: string | null;
}

/** The defaults a link leaves out: the course recipe, the vanilla map, the home screen. */
export const DEFAULT_SHARED: SharedState = {
  screen: 'home',
  lecture: false,
  model: null,
  strategy: 'fc8',
  config: { ...COURSE_RECIPE },
  method: 'vanilla',
  classIndex: null,
  sample: null,
};

export const SETTINGS_KEY = 'transferlens.settings';

/** Short URL names for the training hyperparameters. */
const CONFIG_KEYS: [keyof TrainConfig, string][] = [
  ['lr', 'lr'],
  ['momentum', 'momentum'],
  ['batchSize', 'batch'],
  ['epochs', 'epochs'],
  ['dropout', 'dropout'],
  ['weightDecay', 'wd'],
  ['seed', 'seed'],
];

/** The parameters that differ from the defaults (a short link for the usual case). */
export function encodeState(s: SharedState, defaults: SharedState): URLSearchParams {
  const p = new URLSearchParams();
  if (s.screen !== 'home') p.set('screen', s.screen);
  if (s.lecture) p.set('lecture', '1');
  if (s.model) p.set('model', s.model);
  if (s.strategy !== defaults.strategy) p.set('strategy', s.strategy);
  if (s.config.optimizer !== defaults.config.optimizer) p.set('opt', s.config.optimizer);
  for (const [k, name] of CONFIG_KEYS) if (s.config[k] !== defaults.config[k]) p.set(name, String(s.config[k]));
  if (s.config.unfreezeBlock) p.set('unfreeze', '1');
  if (s.method !== defaults.method) p.set('method', s.method);
  if (s.classIndex !== null) p.set('class', String(s.classIndex));
  if (s.sample) p.set('sample', s.sample);
  return p;
}

/** A link's number for `name`, when it is inside its range (the same ranges the CLIs and the recipe use). */
function num(p: URLSearchParams, name: string, r: NumberRange): number | undefined {
  const v = p.get(name);
  if (v === null || v.trim() === '') return undefined;
  const x = Number(v);
  const ok = Number.isFinite(x) && (r.exclusiveMin ? x > r.min : x >= r.min) && (r.exclusiveMax ? x < r.max : x <= r.max) && (!r.integer || Number.isInteger(x));
  return ok ? x : undefined;
}

/** What a URL asks for; invalid values are ignored (a mistyped link still opens). */
export function decodeState(p: URLSearchParams): Partial<Omit<SharedState, 'config'>> & { config?: Partial<TrainConfig> } {
  const out: Partial<Omit<SharedState, 'config'>> & { config?: Partial<TrainConfig> } = {};
  const screen = p.get('screen');
  if (screen === 'home' || screen === 'saliency' || screen === 'transfer' || screen === 'models') out.screen = screen;
  const lecture = p.get('lecture');
  if (lecture !== null) out.lecture = lecture === '1' || lecture === 'true';
  const model = p.get('model');
  if (model) out.model = model;
  const strategy = p.get('strategy');
  if (strategy && isStrategy(strategy)) out.strategy = strategy;
  const config: Partial<TrainConfig> = {};
  const opt = p.get('opt');
  if (opt === 'sgd' || opt === 'adam') config.optimizer = opt;
  for (const [k, name] of CONFIG_KEYS) {
    const v = num(p, name, RECIPE_RANGES[k as keyof typeof RECIPE_RANGES]);
    if (v !== undefined) (config as Record<string, number>)[k] = v;
  }
  if (p.get('unfreeze') === '1') config.unfreezeBlock = true;
  if (Object.keys(config).length) out.config = config;
  const method = p.get('method');
  if (method && isSaliencyMethod(method)) out.method = method;
  const cls = num(p, 'class', { min: 0, max: 100000, integer: true });
  if (cls !== undefined && Number.isInteger(cls)) out.classIndex = cls;
  const sample = p.get('sample');
  if (sample && /^[\w.\- ]+$/.test(sample)) out.sample = sample;
  return out;
}

/**
 * Settings survive a reload as the same query string a link would carry, so one decoder
 * validates both (an edited or stale record cannot put the app in a bad state).
 */
export function readSettings(storage: Pick<Storage, 'getItem'> | undefined): ReturnType<typeof decodeState> {
  try {
    return decodeState(new URLSearchParams(storage?.getItem(SETTINGS_KEY) ?? ''));
  } catch {
    return {};
  }
}

/** A link's state replaces the stored one; a bare URL restores the last session. */
export function startupState(url: URLSearchParams, storage: Pick<Storage, 'getItem'> | undefined): ReturnType<typeof decodeState> {
  const fromUrl = decodeState(url);
  return Object.keys(fromUrl).length ? fromUrl : readSettings(storage);
}
