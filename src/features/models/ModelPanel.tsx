/** Pick a bundled model, open one from disk, or load one from a URL. */
import { useState } from 'react';
import { formatBytes } from '../../lib/format';
import { showModelOutcome } from '../../lib/showOnPage';
import { clearModelCache, loadModel } from '../../state/actions';
import { useStore } from '../../state/store';
import { LoadProgress } from './LoadProgress';
import { ModelInfo } from './ModelInfo';
import { OpenModel } from './OpenModel';

export function ModelPanel() {
  const index = useStore((s) => s.index);
  const indexState = useStore((s) => s.indexState);
  const indexError = useStore((s) => s.indexError);
  const loading = useStore((s) => s.loading);
  const loadError = useStore((s) => s.loadError);
  const cacheBytes = useStore((s) => s.cacheBytes);
  const backend = useStore((s) => s.backend);
  const current = useStore((s) => s.current);
  const [selected, setSelected] = useState('');
  const [url, setUrl] = useState('');
  const chosen = index.find((m) => m.id === selected) ?? index[0];

  return (
    <section className="panel" aria-labelledby="model-h">
      <h2 id="model-h">Model</h2>
      {indexState === 'missing' && (
        <p className="hint" data-testid="no-models">
          No models are installed with this copy of TransferLens. Run <code>npm run assets</code> (it downloads and converts AlexNet,
          VGG16 and SqueezeNet, or takes them from a folder with <code>--from</code>), or open a TF.js model from your disk below.
        </p>
      )}
      {indexError && <p className="error" role="alert">{indexError}</p>}
      {index.length > 0 && (
        <div className="row">
          <label>
            Installed models{' '}
            <select data-testid="model-select" value={chosen?.id ?? ''} onChange={(e) => setSelected(e.target.value)}>
              {index.map((m) => (
                <option key={m.id} value={m.id}>
                  {shortName(m.name)} — {formatBytes(m.bytes)}
                  {m.quantize !== 'none' ? ` · ${m.quantize}` : ''}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            data-testid="model-load"
            disabled={!chosen || !!loading || !backend}
            onClick={() => chosen && void loadModel({ kind: 'url', url: chosen.url, name: chosen.name }, chosen.name).then(showModelOutcome)}
          >
            Load
          </button>
        </div>
      )}
      {chosen && shortName(chosen.name) !== chosen.name && (
        <p className="small" data-testid="model-select-full">
          {chosen.name}
        </p>
      )}
      <OpenModel disabled={!!loading || !backend} />
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (url.trim()) void loadModel({ kind: 'url', url: url.trim() }, url.trim()).then(showModelOutcome);
        }}
      >
        <label>
          Load from URL{' '}
          <input
            data-testid="model-url-input"
            type="url"
            placeholder="https://…/model.json"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            size={40}
          />
        </label>
        <button type="submit" data-testid="model-url-load" disabled={!url.trim() || !!loading || !backend}>
          Load URL
        </button>
      </form>
      {loading && <LoadProgress {...loading} />}
      {loadError && (
        <div className="error" role="alert" data-testid="model-error" tabIndex={-1}>
          <strong>The model could not be loaded:</strong> {loadError}
          {current && <div className="small">{current.label} is still loaded and in use.</div>}
        </div>
      )}
      <ModelInfo />
      <p className="small">
        Models are cached in your browser after the first load{cacheBytes ? ` (${formatBytes(cacheBytes)} cached)` : ''}.{' '}
        <button type="button" className="link" data-testid="clear-cache" onClick={() => void clearModelCache()}>
          Clear cache
        </button>
      </p>
    </section>
  );
}

/** A model's name without its trailing parenthesis ("SqueezeNet 1.1 (ImageNet, original Caffe weights)" → "SqueezeNet 1.1"): what fits the list on a projector; the full name is shown under it. */
export function shortName(name: string): string {
  return name.replace(/\s*\([^()]*\)\s*$/, '') || name;
}
