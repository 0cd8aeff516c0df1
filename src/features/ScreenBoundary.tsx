/** A screen loaded on demand: a line while its code arrives, and one clear message (with Reload) if it cannot. */
import { Component, Suspense, type ReactNode } from 'react';
import { errorText } from '../lib/errorText';

interface State {
  error: string | null;
}

class Boundary extends Component<{ name: string; children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(e: unknown): State {
    return { error: errorText(e) };
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      <div className="panel">
        <p className="error" role="alert" data-testid="screen-load-error">
          The {this.props.name} could not be loaded ({this.state.error}). The rest of TransferLens still works; check the connection and reload to try again.
        </p>
        <button type="button" onClick={() => location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}

export function ScreenBoundary({ name, children }: { name: string; children: ReactNode }) {
  return (
    <Boundary name={name}>
      <Suspense
        fallback={
          <p className="small" data-testid="screen-loading" aria-live="polite">
            Loading the {name}…
          </p>
        }
      >
        {children}
      </Suspense>
    </Boundary>
  );
}
