/** The app shell: header (backend chip, classroom controls), the screen on show, notices and dialogs. */
import { lazy, useDeferredValue, useEffect, useRef } from 'react';
import { ClassroomBar, Notice, ShortcutsDialog } from './features/classroom/ClassroomBar';
import { LearnPanel } from './features/classroom/LearnPanel';
import { BackendChip } from './features/status/BackendChip';
import { Home } from './features/home/Home';
import { ModelsScreen } from './features/models/ModelsScreen';
import { SaliencyScreen } from './features/saliency/SaliencyScreen';
import { ScreenBoundary } from './features/ScreenBoundary';
import { goTo, loadIndex, startBackend } from './state/actions';
import { handleShortcut, startClassroom } from './state/classroomActions';
import { useStore, type Screen } from './state/store';

/**
 * The studio and its charts (Recharts and d3, about half the page's code) load on demand: the
 * lessons and the saliency screen start with 0.4 MB less to parse. Fetched once the page is idle,
 * so opening the studio waits for nothing; the service worker precaches it for offline use.
 */
const loadStudio = () => import('./features/transfer/TransferScreen');
const TransferScreen = lazy(() => loadStudio().then((m) => ({ default: m.TransferScreen })));

const SCREENS: { id: Screen; label: string }[] = [
  { id: 'home', label: 'Lessons' },
  { id: 'saliency', label: 'Saliency maps' },
  { id: 'transfer', label: 'Transfer learning' },
  { id: 'models', label: 'Models' },
];

export function App() {
  const screen = useStore((s) => s.screen);
  // The new screen renders in React's background lane, in slices: the header answers the click at
  // once and the old screen stays until the new one is ready (the studio's first render was one
  // 90–140 ms task on two cores, its charts and panels at once).
  const shown = useDeferredValue(screen);
  const lecture = useStore((s) => s.lecture);
  const learnOpen = useStore((s) => s.learnOpen);
  const training = useStore((s) => s.tlStatus !== 'idle');
  useEffect(() => {
    startClassroom();
    void startBackend();
    void loadIndex();
    const idle = window.requestIdleCallback ?? ((f: () => void) => window.setTimeout(f, 2000));
    idle(() => void loadStudio().catch(() => undefined));
    const onKey = (e: KeyboardEvent) => void handleShortcut(e);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    // A run lives in its worker: a reload or a closed tab would lose it, so the browser asks first.
    if (!training) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [training]);
  const firstScreen = useRef(true);
  useEffect(() => {
    // A new screen starts at its top, however it was reached (the nav, "Try it", Learn's links).
    window.scrollTo(0, 0);
    // A click in the old screen (a lesson card, Try it) left focus on nothing: Tab goes on from the new screen's top.
    const a = document.activeElement;
    if (!firstScreen.current && (!a || a === document.body || !a.isConnected)) document.getElementById('main')?.focus({ preventScroll: true });
    firstScreen.current = false;
  }, [shown]);
  return (
    <div className={`app${lecture ? ' lecture' : ''}${learnOpen ? ' learn-open' : ''}`} data-lecture={lecture}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <h1>
          <button type="button" className="brand" onClick={() => goTo('home')}>
            TransferLens
          </button>
        </h1>
        <nav aria-label="Screens">
          {SCREENS.map((s) => (
            <button key={s.id} type="button" aria-current={screen === s.id ? 'page' : undefined} onClick={() => goTo(s.id)}>
              {s.label}
            </button>
          ))}
        </nav>
        <ClassroomBar />
        <BackendChip />
      </header>
      <Notice />
      <ShortcutsDialog />
      <main id="main" tabIndex={-1}>
        {learnOpen && (
          <div id="learn">
            <LearnPanel />
          </div>
        )}
        {shown === 'home' ? <Home /> : shown === 'models' ? <ModelsScreen /> : shown === 'saliency' ? (
          <SaliencyScreen />
        ) : (
          <ScreenBoundary name="transfer-learning studio">
            <TransferScreen />
          </ScreenBoundary>
        )}
      </main>
    </div>
  );
}
