import { useEffect } from 'react';
import { BackendChip } from './features/status/BackendChip';
import { Home } from './features/home/Home';
import { SaliencyScreen } from './features/saliency/SaliencyScreen';
import { TransferScreen } from './features/transfer/TransferScreen';
import { goTo, loadIndex, startBackend } from './state/actions';
import { useStore, type Screen } from './state/store';

const SCREENS: { id: Screen; label: string }[] = [
  { id: 'home', label: 'Models' },
  { id: 'saliency', label: 'Saliency maps' },
  { id: 'transfer', label: 'Transfer learning' },
];

export function App() {
  const screen = useStore((s) => s.screen);
  useEffect(() => {
    const s = new URLSearchParams(location.search).get('screen');
    if (s === 'saliency' || s === 'transfer') goTo(s);
    void startBackend();
    void loadIndex();
  }, []);
  return (
    <div className="app">
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
        <BackendChip />
      </header>
      <main id="main" tabIndex={-1}>
        {screen === 'home' ? <Home /> : screen === 'saliency' ? <SaliencyScreen /> : <TransferScreen />}
      </main>
    </div>
  );
}
