/**
 * Classroom features: lecture mode, keyboard shortcuts, shareable links and persistent
 * settings (URL ⇄ store ⇄ localStorage), and replaying saved runs.
 */
import { takesText } from '../lib/textEntry';
import { flashInView, revealMaps, showPanel } from '../lib/showOnPage';
import { SALIENCY_METHOD_INFO, SALIENCY_METHODS, type SaliencyMethod } from '../ml/core/vocab';
import { set as idbSet } from 'idb-keyval';
import { goTo, onModelLoaded } from './actions';
import { notify } from './notify';
import { replayDuration } from './replay';
import { samplePhotos } from './modelIndex';
import { addSample, pickClass, setSalParams, stepImage } from './saliencyActions';
import { keepImages } from './keptImages';
import { samplesOnOffer } from './sampleOffer';
import { useStore, type AppState } from './store';
import { pauseTraining, RUNS_KEY, setConfig, setStrategy, startTraining } from './transferActions';
import type { SavedRun } from './slices/transfer';
import { DEFAULT_SHARED, encodeState, SETTINGS_KEY, startupState, type SharedState } from './urlState';
import { errorText } from '../lib/errorText';

const set = useStore.setState;
const get = useStore.getState;

export { notify };

export function sharedState(s: AppState): SharedState {
  const model = s.current ? (s.index.find((m) => m.name === s.current!.label)?.id ?? null) : s.preferredModel;
  const active = s.salImages.find((i) => i.id === s.salActive);
  return {
    screen: s.screen,
    lecture: s.lecture,
    model,
    strategy: s.tlStrategy,
    config: s.tlConfig,
    method: s.salParams.method,
    classIndex: s.salClass,
    sample: active?.sample ?? null,
  };
}


export function shareUrl(s: AppState = get()): string {
  const url = new URL(location.href);
  url.search = encodeState(sharedState(s), DEFAULT_SHARED).toString();
  return url.href;
}

let syncing = false;
/** Apply a link (or the last session's settings), then keep URL and storage in step with the store. */
export function startClassroom(): void {
  const st = startupState(new URLSearchParams(location.search), safeStorage());
  if (st.lecture !== undefined) set({ lecture: st.lecture });
  if (st.model) set({ preferredModel: st.model });
  if (st.strategy) setStrategy(st.strategy);
  if (st.config) setConfig(st.config);
  if (st.method) set((s) => ({ salParams: { ...s.salParams, method: st.method! } }));
  if (st.classIndex !== undefined && st.classIndex !== null) {
    const wanted = st.classIndex;
    const off = onModelLoaded(() => {
      off();
      pickClass(wanted);
    });
  }
  if (st.screen) goTo(st.screen);
  if (st.sample && st.screen === 'saliency') void addSample(st.sample);
  paceForLecture(get().lecture);
  if (syncing) return;
  syncing = true;
  // The user's own images come back after a reload, unless the link asked for a sample.
  keepImages(!(st.sample && st.screen === 'saliency'));
  let last = '';
  useStore.subscribe((s, prev) => {
    if (s.lecture !== prev.lecture) paceForLecture(s.lecture);
    const url = shareUrl(s);
    if (url === last) return;
    last = url;
    try {
      history.replaceState(history.state, '', url);
      safeStorage()?.setItem(SETTINGS_KEY, new URL(url).search.slice(1));
    } catch {
      /* storage blocked: the link still works */
    }
  });
}

function safeStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

export function setLecture(on: boolean): void {
  const s = get();
  set({ lecture: on });
  // Mid-run on the studio the curves stay on screen: the layout flips (lecture mode puts training
  // first, light mode under the paintings) and left the window on the paintings' panel.
  if (s.screen === 'transfer' && s.tlStatus !== 'idle') requestAnimationFrame(() => showPanel('train-h', false));
}

/**
 * A class watching the curves needs them to grow: in lecture mode a run is paced (≥ 1 s an
 * epoch: on a small set ten epochs otherwise ended in under a second) unless the pace was
 * switched off. The choice, once made, stays.
 */
function paceForLecture(lecture: boolean): void {
  if (lecture && get().tlConfig.paceMs === undefined) setConfig({ paceMs: 1000 });
}

export async function copyLink(): Promise<void> {
  const url = shareUrl();
  try {
    await navigator.clipboard.writeText(url);
    notify('Link copied: it opens this screen with these settings.');
  } catch {
    // Clipboard blocked (no permission, not a secure context): show it to copy by hand.
    notify(`Copy this link: ${url}`);
  }
}

export async function toggleFullscreen(): Promise<void> {
  try {
    if (document.fullscreenElement) await document.exitFullscreen();
    else await document.documentElement.requestFullscreen();
  } catch (e) {
    notify(`Full screen is not available here (${errorText(e)}).`);
  }
}

/** Closes the Learn drawer; focus that was inside it (now gone) goes back to the Learn button, not to <body>. */
export function closeLearn(): void {
  const inside = document.activeElement?.closest('#learn') || document.activeElement === document.body;
  set({ learnOpen: false });
  if (inside) setTimeout(() => document.querySelector<HTMLElement>('[data-testid="learn-toggle"]')?.focus());
}

/** The shortcuts; a key typed into a field, or with a modifier, is left alone. */
export function handleShortcut(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target' | 'preventDefault'>): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey) return false;
  // Escape closes the Learn drawer, wherever the focus is.
  if (e.key === 'Escape' && get().learnOpen) {
    closeLearn();
    return true;
  }
  if (takesText(e.target)) return false;
  const tag = (e.target as HTMLElement | null)?.tagName?.toLowerCase();
  const s = get();
  switch (e.key) {
    case ' ':
      // A focused button takes Space itself.
      if (tag === 'button' || tag === 'summary' || tag === 'a') return false;
      if (s.screen !== 'transfer') return false;
      e.preventDefault();
      if (s.replay) playReplay(!s.replay.playing);
      else if (s.tlStatus === 'idle') void startTraining();
      else if (s.tlStatus === 'running') pauseTraining(true);
      else if (s.tlStatus === 'paused') pauseTraining(false);
      return true;
    case 'ArrowLeft':
    case 'ArrowRight':
      if (s.screen !== 'saliency') return false;
      e.preventDefault();
      revealMaps();
      // With fewer than two images: the next sample on offer (the key did nothing before); with none, say why.
      if (s.salImages.length < 2) void stepSample(e.key === 'ArrowLeft' ? -1 : 1).then((ok) => ok || notify('No sample to step to: drop or choose an image'));
      else stepImage(e.key === 'ArrowLeft' ? -1 : 1);
      return true;
    case 'm':
    case 'M':
      if (s.screen !== 'saliency') return false;
      // With a map in view its own method menu shows the change, flashed (a toast there covered
      // the colormap and clip controls for its seconds): announced only. Elsewhere it is shown.
      notify(`Method: ${SALIENCY_METHOD_INFO[cycleMethod()].short}`, flashInView('[data-testid="map-method"]'));
      return true;
    case 'f':
    case 'F':
      void toggleFullscreen();
      return true;
    case 'l':
    case 'L':
      setLecture(!s.lecture);
      return true;
    case '?':
      set({ shortcutsOpen: !s.shortcutsOpen });
      return true;
    default:
      return false;
  }
}

// ---- Replay ----
let timer: ReturnType<typeof setInterval> | null = null;
const TICK_MS = 100;

export function startReplay(runId: string, speed: number): void {
  stopTimer();
  set({ replay: { runId, speed, step: 0, playing: true } });
  timer = setInterval(tick, TICK_MS);
}

export function playReplay(playing: boolean): void {
  const r = get().replay;
  if (!r) return;
  set({ replay: { ...r, playing } });
}

export function setReplaySpeed(speed: number): void {
  const r = get().replay;
  if (r) set({ replay: { ...r, speed } });
}

export function endReplay(): void {
  stopTimer();
  set({ replay: null });
}

function stopTimer(): void {
  if (timer) clearInterval(timer);
  timer = null;
}

function tick(): void {
  const r = get().replay;
  const run = r && get().tlRuns.find((x) => x.id === r.runId);
  if (!r || !run) return endReplay();
  if (!r.playing) return;
  const step = r.step + TICK_MS * r.speed;
  set({ replay: { ...r, step } });
  if (step >= replayDuration(run)) {
    stopTimer();
    set({ replay: { ...r, step: replayDuration(run), playing: false } });
  }
}

/** Runs from a file (the studio's JSON export): added to the saved runs, ready to replay. */
export async function importRuns(runs: SavedRun[]): Promise<void> {
  const have = new Set(get().tlRuns.map((r) => r.id));
  const fresh = runs.filter((r) => !have.has(r.id));
  const all = [...get().tlRuns, ...fresh];
  set({ tlRuns: all });
  notify(`${fresh.length} run${fresh.length === 1 ? '' : 's'} imported${fresh.length < runs.length ? ` (${runs.length - fresh.length} already there)` : ''}.`);
  await idbSet(RUNS_KEY, all).catch(() => undefined);
}

/** Keyboard M: the next saliency method. */
export function cycleMethod(): SaliencyMethod {
  const cur = get().salParams.method;
  const next = SALIENCY_METHODS[(SALIENCY_METHODS.indexOf(cur) + 1) % SALIENCY_METHODS.length]!;
  setSalParams({ method: next });
  return next;
}

/**
 * ←/→ with fewer than two images: the next (or previous) sample on offer is added — the photos, or
 * Try it's held-back paintings — so a lecturer steps through them from the keyboard. False: none.
 */
async function stepSample(dir: 1 | -1): Promise<boolean> {
  const list = samplesOnOffer(get().salSampleSet, await samplePhotos()); // fetched once, kept: no cost when the paintings are on offer
  if (list.length === 0) return false;
  const current = get().salImages.find((i) => i.id === get().salActive)?.name;
  const k = list.findIndex((x) => x.name === current);
  const next = k < 0 ? (dir > 0 ? 0 : list.length - 1) : (k + dir + list.length) % list.length;
  await list[next]!.add();
  return true;
}
