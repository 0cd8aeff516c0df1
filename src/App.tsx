/** The app shell: header (backend chip, classroom controls), the screen on show, notices and dialogs. */
import { useEffect } from 'react';
import { ClassroomBar, Notice, ShortcutsDialog } from './features/classroom/ClassroomBar';
import { LearnPanel } from './features/classroom/LearnPanel';
import { BackendChip } from './features/status/BackendChip';
import { Home } from './features/home/Home';
import { ModelsScreen } from './features/models/ModelsScreen';
import { SaliencyScreen } from './features/saliency/SaliencyScreen';
import { TransferScreen } from './features/transfer/TransferScreen';
import { goTo, loadIndex, startBackend } from './state/actions';
import { handleShortcut, startClassroom } from './state/classroomActions';
import { useStore, type Screen } from './state/store';

const SCREENS: { id: Screen; label: string }[] = [
  { id: 'home', label: 'Lessons' },
  { id: 'saliency', label: 'Saliency maps' },
  { id: 'transfer', label: 'Transfer learning' },
  { id: 'models', label: 'Models' },
];

export function App() {
  const screen = useStore((s) => s.screen);
  const lecture = useStore((s) => s.lecture);
  const learnOpen = useStore((s) => s.learnOpen);
  const training = useStore((s) => s.tlStatus !== 'idle');
  useEffect(() => {
    startClassroom();
    void startBackend();
    void loadIndex();
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
  useEffect(() => {
    // A new screen starts at its top, however it was reached (the nav, "Try it", Learn's links).
    window.scrollTo(0, 0);
  }, [screen]);
  return (
    <div className={lecture ? 'app lecture' : 'app'} data-lecture={lecture}>
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
        {screen === 'home' ? <Home /> : screen === 'models' ? <ModelsScreen /> : screen === 'saliency' ? <SaliencyScreen /> : <TransferScreen />}
      </main>
    </div>
  );
}
