/** The overlay and the grayscale map first (what a projected lesson needs), then the original and the network input; display controls and PNG downloads. */
import { useMemo, useRef } from 'react';
import { formatMs } from '../../lib/format';
import { setDisplay } from '../../state/saliencyActions';
import { useStore } from '../../state/store';
import { COLORMAPS, colorize, normalizedMap, overlayOf, type Colormap } from '../../viz/colormap';
import type { SaliencyResult } from '../../worker/model/protocol';
import { PixelCanvas, type PixelCanvasHandle } from './PixelCanvas';

export function MapPanels({ result, thumb, name }: { result: SaliencyResult; thumb: string; name: string }) {
  const d = useStore((s) => s.salDisplay);
  const map01 = useMemo(() => normalizedMap(result.map, d.clip), [result.map, d.clip]);
  const gray = useMemo(() => colorize(map01, 'gray'), [map01]);
  const over = useMemo(() => overlayOf(result.input, map01, d.colormap, d.opacity), [result.input, map01, d.colormap, d.opacity]);
  const refs = { input: useRef<PixelCanvasHandle>(null), gray: useRef<PixelCanvasHandle>(null), overlay: useRef<PixelCanvasHandle>(null) };
  const base = `${name.replace(/\.\w+$/, '')}-${result.method}-class${result.classIndex}`;
  const { width: w, height: h } = result;
  return (
    <section aria-labelledby="maps-h">
      <h3 id="maps-h">
        Why “{result.label}”?
      </h3>
      <p className="small" data-testid="map-info">
        {name} · {result.method} · class {result.classIndex} · score S_c = {result.score.toFixed(2)}
        {result.method === 'vanilla' && <> · max |∂S_c/∂I| = {result.maxGrad.toPrecision(3)}</>} ·{' '}
        <strong data-testid="map-time">{formatMs(result.ms)}</strong> on {result.backend}
      </p>
      <div className="maps">
        <figure className="main-map">
          <PixelCanvas ref={refs.overlay} rgba={over} width={w} height={h} label={`Saliency overlay for ${result.label}`} testId="saliency-overlay" />
          <figcaption>
            Overlay{' '}
            <button type="button" className="link" onClick={() => refs.overlay.current?.download(`${base}-overlay.png`)}>
              PNG
            </button>
          </figcaption>
        </figure>
        <figure className="main-map">
          <PixelCanvas ref={refs.gray} rgba={gray} width={w} height={h} label={`Saliency map for ${result.label}, grayscale`} testId="saliency-map" />
          <figcaption>
            Saliency (grayscale){' '}
            <button type="button" className="link" data-testid="download-map" onClick={() => refs.gray.current?.download(`${base}-map.png`)}>
              PNG
            </button>
          </figcaption>
        </figure>
        <figure>
          <img src={thumb} alt={`Original: ${name}`} className="pixels" />
          <figcaption>Your image</figcaption>
        </figure>
        <figure>
          <PixelCanvas ref={refs.input} rgba={result.input} width={w} height={h} label="What the network sees (resized and cropped)" testId="network-input" />
          <figcaption>
            Network input {w}×{h}{' '}
            <button type="button" className="link" onClick={() => refs.input.current?.download(`${base}-input.png`)}>
              PNG
            </button>
          </figcaption>
        </figure>
      </div>
      <div className="row display">
        <label>
          Colormap{' '}
          <select data-testid="colormap-select" value={d.colormap} onChange={(e) => setDisplay({ colormap: e.target.value as Colormap })}>
            {COLORMAPS.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          Opacity {Math.round(d.opacity * 100)}%{' '}
          <input type="range" min={0} max={1} step={0.05} value={d.opacity} onChange={(e) => setDisplay({ opacity: Number(e.target.value) })} />
        </label>
        <label>
          Clip at percentile {d.clip}{' '}
          <input type="range" min={90} max={100} step={0.5} value={d.clip} data-testid="clip-range" onChange={(e) => setDisplay({ clip: Number(e.target.value) })} />
        </label>
      </div>
    </section>
  );
}
