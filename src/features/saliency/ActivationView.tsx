/**
 * Inside the network: the active image's feature maps at any layer (strongest channels first, each
 * with its index and value range), conv1's filters as RGB tiles, a dense layer's strongest units.
 * Computed in the model worker when the panel is open; the worker caches per (image, layer).
 */
import { useEffect, useMemo, useState } from 'react';
import { analyzeTopology } from '../../ml/core/architecture';
import { fetchActivations } from '../../state/activationActions';
import { useStore } from '../../state/store';
import { colorize } from '../../viz/colormap';
import type { ActivationsResult } from '../../worker/model/protocol';
import { PixelCanvas } from './PixelCanvas';
import { errorText } from '../../lib/errorText';

/** Layers worth looking at: what computes or pools, not plumbing (input, dropout, flatten, padding). */
const SKIP = /^(InputLayer|Dropout|Flatten|Reshape|ZeroPadding2D|Softmax)$/;

function range(lo: number, hi: number): string {
  const f = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toFixed(2));
  return lo === hi ? f(lo) : `${f(lo)} … ${f(hi)}`;
}

function Filters({ f }: { f: NonNullable<ActivationsResult['filters']> }) {
  const tiles = useMemo(() => Array.from({ length: f.count }, (_, n) => f.rgba.subarray(n * f.kh * f.kw * 4, (n + 1) * f.kh * f.kw * 4)), [f]);
  return (
    <figure className="act-filters" data-testid="activation-filters" data-count={f.count}>
      <figcaption className="small">
        {f.layer}'s {f.count} filters ({f.kh}×{f.kw}×3), each stretched over its own range: the colours and edges the first layer looks for.
      </figcaption>
      <div className="act-filter-grid">
        {tiles.map((t, n) => (
          <PixelCanvas key={n} rgba={t} width={f.kw} height={f.kh} label={`filter ${n}`} />
        ))}
      </div>
    </figure>
  );
}

function Maps({ r }: { r: ActivationsResult }) {
  const m = r.maps;
  const cm = useStore((s) => s.salDisplay.colormap);
  const tiles = useMemo(() => {
    const n = m.tileH * m.tileW;
    return m.channels.map((_, k) => colorize(Float32Array.from(m.tiles.subarray(k * n, (k + 1) * n), (v) => v / 255), cm));
  }, [m, cm]);
  if (m.kind === 'vector') {
    const top = Math.max(...m.channels.map((c) => Math.abs(c.mean)), 1e-9);
    return (
      <ol className="act-units" data-testid="activation-units">
        {m.channels.slice(0, 16).map((c) => (
          <li key={c.index}>
            <span>unit {c.index}</span>
            <span className="bar" aria-hidden="true">
              <span style={{ width: `${Math.max(0, (c.mean / top) * 100)}%` }} />
            </span>
            <span className="pred-prob">{range(c.mean, c.mean)}</span>
          </li>
        ))}
      </ol>
    );
  }
  return (
    <div className="act-grid" data-testid="activation-maps" data-channels={m.channels.length}>
      {m.channels.map((c, k) => (
        <figure key={c.index} className="act-tile" data-channel={c.index}>
          <PixelCanvas rgba={tiles[k]!} width={m.tileW} height={m.tileH} label={`channel ${c.index}`} />
          <figcaption>
            #{c.index} <span className="act-range">{range(c.min, c.max)}</span>
          </figcaption>
        </figure>
      ))}
    </div>
  );
}

export function ActivationView() {
  const current = useStore((s) => s.current);
  const active = useStore((s) => s.salActive);
  const [open, setOpen] = useState(false);
  const [layer, setLayer] = useState<string | null>(null);
  const [state, setState] = useState<{ result: ActivationsResult | null; busy: boolean; error: string | null }>({ result: null, busy: false, error: null });
  const layers = useMemo(() => {
    if (!current) return [];
    try {
      return analyzeTopology(current.info.topology).filter((l) => !SKIP.test(l.type));
    } catch {
      return current.info.spatialLayers.map((name) => ({ name, type: '', outputShape: [], inputs: [], params: 0, flops: 0 }));
    }
  }, [current]);
  // A new model: back to its first colour convolution.
  useEffect(() => setLayer(null), [current]);

  useEffect(() => {
    if (!open || !active || !current) return;
    let live = true;
    setState((s) => ({ ...s, busy: true, error: null }));
    fetchActivations(layer).then(
      (result) => live && setState({ result, busy: false, error: null }),
      (e: unknown) => live && setState({ result: null, busy: false, error: errorText(e) }),
    );
    return () => {
      live = false;
    };
  }, [open, active, current, layer]);

  const shown = state.result?.maps.layer ?? layer;
  const at = layers.findIndex((l) => l.name === shown);
  const step = (d: number) => {
    const next = layers[Math.min(layers.length - 1, Math.max(0, at + d))];
    if (next) setLayer(next.name);
  };
  const m = state.result?.maps;
  return (
    <details className="panel activation-view" data-testid="activation-view" open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>Inside the network: what each layer sees in this image</summary>
      {!active || !current ? (
        <p className="small">Pick a photo first.</p>
      ) : (
        <>
          <div className="row">
            <button type="button" onClick={() => step(-1)} disabled={at <= 0} aria-label="Previous layer">
              ◀
            </button>
            <label>
              Layer{' '}
              <select data-testid="activation-layer" value={shown ?? ''} onChange={(e) => setLayer(e.target.value)}>
                {layers.map((l) => (
                  <option key={l.name} value={l.name}>
                    {l.name} {l.outputShape.length > 1 ? `· ${l.outputShape.slice(1).join('×')}` : ''}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" onClick={() => step(1)} disabled={at < 0 || at >= layers.length - 1} aria-label="Next layer">
              ▶
            </button>
            <span className="small" aria-live="polite" data-testid="activation-status">
              {state.busy
                ? 'Computing…'
                : m
                  ? `${m.kind === 'spatial' ? `${m.shape[2]} channels of ${m.shape[0]}×${m.shape[1]}` : `${m.shape[0]} units`}; the ${m.channels.length} strongest shown${state.result!.cached ? ' (cached)' : ` · ${Math.round(state.result!.ms)} ms`}`
                  : ''}
            </span>
          </div>
          {state.error && (
            <p className="error" role="alert">
              {state.error}
            </p>
          )}
          {state.result?.filters && <Filters f={state.result.filters} />}
          {state.result && (
            <>
              <p className="small">
                {m!.kind === 'spatial'
                  ? 'Each tile is one channel’s response over the image (bright = strong), stretched over its own range; strongest on average first. Early layers respond to edges and colours everywhere; later ones to parts of objects.'
                  : 'A dense layer has no map: its strongest units and their values.'}
              </p>
              <Maps r={state.result} />
            </>
          )}
        </>
      )}
    </details>
  );
}
