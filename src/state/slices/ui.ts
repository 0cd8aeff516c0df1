/** Which screen, lecture mode, dialogs and drawers, notices, replays. */

/** home: the lesson launcher; models: the advanced model page. */
export type Screen = 'home' | 'saliency' | 'transfer' | 'models';

export interface UiSlice {
  screen: Screen;
  /** Projection mode: large type, high contrast, secondary controls hidden. */
  lecture: boolean;
  shortcutsOpen: boolean;
  learnOpen: boolean;
  /** A model (index id) asked for by a link or the last session. */
  preferredModel: string | null;
  /** A one-line message about something the app did on its own (e.g. a backend switch). */
  notice: string | null;
  /** The notice is for screen readers only: what it says already shows where the user looks. */
  noticeQuiet: boolean;
  /** Replay of a saved run on the charts. */
  replay: { runId: string; speed: number; step: number; playing: boolean } | null;
}

export const initialUi = (): UiSlice => ({ screen: 'home', lecture: false, shortcutsOpen: false, learnOpen: false, preferredModel: null, notice: null, noticeQuiet: false, replay: null });
