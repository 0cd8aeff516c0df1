/** The overlay and the grayscale map first (what a projected lesson needs), then the original and the network input; display controls and PNG downloads. */
import { forwardRef, memo, useMemo, useRef, type ReactNode } from 'react';
import { formatMs } from '../../lib/format';
import { cropNote } from '../../ml/core/imageHeader';
import { setDisplay } from '../../state/saliencyActions';
import { useStore } from '../../state/store';
import { COLORMAPS, colorize, normalizedMap, overlayOf, type Colormap } from '../../viz/colormap';
import type { SaliencyResult } from '../../worker/model/protocol';
import { shortLabel } from '../../lib/classNames';
import { showGrid } from '../../lib/showOnPage';
import { TopPredictions } from './ClassPanel';
import { MethodQuickSelect } from './MethodPanel';
import { PixelCanvas, type PixelCanvasHandle } from './PixelCanvas';

type Size = { width: number; height: number; label: string };

// Each picture makes its pixels in its own component, so a background render (SaliencyScreen
// defers a new result) can yield to the page between them: a few ms each, not one block.
const GrayCanvas = forwardRef<PixelCanvasHandle, Size & { map01: Float32Array }>(function GrayCanvas({ map01, ...size }, ref) {
  const gray = useMemo(() => colorize(map01, 'gray'), [map01]);
  return <PixelCanvas ref={ref} rgba={gray} {...size} testId="saliency-map" />;
});

const OverlayCanvas = forwardRef<PixelCanvasHandle, Size & { input: Uint8ClampedArray; map01: Float32Array; colormap: Colormap; opacity: number }>(function OverlayCanvas(
  { input, map01, colormap, opacity, ...size },
  ref,
) {
  const over = useMemo(() => overlayOf(input, map01, colormap, opacity), [input, map01, colormap, opacity]);
  return <PixelCanvas ref={ref} rgba={over} {...size} testId="saliency-overlay" />;
});

/** Memoised: the screen re-renders with the previous result while a new one renders in the background. */
export const MapPanels = memo(MapPanelsView);

/**
 * `progress`: the next map's progress, laid over the top of the pictures (not over the heading: its
 * method select and top-5 stay usable); `stale`: the pictures are dimmed, being replaced.
 */
function MapPanelsView({ result, thumb, name, imageSize, progress, stale }: { result: SaliencyResult; thumb: string; name: string; imageSize: { width: number; height: number }; progress?: ReactNode; stale?: boolean }) {
  const d = useStore((s) => s.salDisplay);
  // A held-back painting (Try it) knows its style: said beside the prediction, right or wrong.
  const truth = useStore((s) => s.salSampleSet?.items.find((i) => i.name === name)?.truth);
  const top1 = result.top[0]?.label;
  const map01 = useMemo(() => normalizedMap(result.map, d.clip), [result.map, d.clip]);
  const refs = { input: useRef<PixelCanvasHandle>(null), gray: useRef<PixelCanvasHandle>(null), overlay: useRef<PixelCanvasHandle>(null) };
  const base = `${name.replace(/\.\w+$/, '')}-${result.method}-class${result.classIndex}`;
  const { width: w, height: h } = result;
  const crop = cropNote(imageSize.width, imageSize.height);
  const of = useStore((s) => (s.salImages.length > 1 ? `${s.salImages.findIndex((i) => i.id === s.salActive) + 1} of ${s.salImages.length}` : null));
  return (
    <section aria-labelledby="maps-h">
      <div className="map-head">
        <div>
          <h3 id="maps-h" title={result.label}>
            Why “{shortLabel(result.label)}”?
          </h3>
          {/* On the projector one line (the backend is on the chip): a long file name is cut short (…), not the time after it. */}
          <p className="small map-info" data-testid="map-info" title={name}>
            {/* A held-back painting's style is said on the line below: its file alone fits the projector's line ("Art_Nouveau · …" did not). */}
            <span className="file">{truth && name.startsWith(`${truth} · `) ? name.slice(truth.length + 3) : name}</span> ·{' '}
            {/* One of a grid: where it sits below, a screen or more down (dropping two photos showed one, and no sign of the other). */}
            {of && (
              <>
                <button type="button" className="link inline" data-testid="grid-jump" onClick={showGrid}>
                  {of} ↓
                </button>{' '}
                ·{' '}
              </>
            )}
            {/* The numbers are for the curious: hidden on the projector, where they wrapped over five lines (the method shows in the select below). */}
            <span className="secondary">
              {result.method} · class {result.classIndex} · score S_c = {result.score.toFixed(2)}
              {result.method === 'vanilla' && <> · max |∂S_c/∂I| = {result.maxGrad.toPrecision(3)}</>} ·{' '}
            </span>
            <strong data-testid="map-time">{formatMs(result.ms)}</strong>
            <span className="secondary"> on {result.backend}</span>
          </p>
          {truth && (
            <p className="small" data-testid="map-truth" data-right={top1 === truth}>
              True style: <strong>{truth}</strong> · {top1 === truth ? '✓ the top-1 is right' : `✗ the top-1 is ${top1 ?? '—'}`}
            </p>
          )}
          <MethodQuickSelect />
        </div>
        <section aria-label="What the network predicts (click a class to explain it)">
          <TopPredictions result={result} />
        </section>
      </div>
      {/* A panorama's map covers only its middle: said across the maps' width (two lines on the projector), not left to be guessed from the network input far below. */}
      {crop && (
        <p className="small warning crop-note" data-testid="crop-note">
          {crop}
        </p>
      )}
      <div className="maps-stage" data-stale={stale || undefined} data-testid="maps-stage">
      {progress}
      <div className="maps">
        <figure className="main-map">
          <OverlayCanvas ref={refs.overlay} input={result.input} map01={map01} colormap={d.colormap} opacity={d.opacity} width={w} height={h} label={`Saliency overlay for ${result.label}`} />
          <figcaption>
            Overlay{' '}
            <button type="button" className="link" onClick={() => refs.overlay.current?.download(`${base}-overlay.png`)}>
              PNG
            </button>
          </figcaption>
        </figure>
        <figure className="main-map">
          <GrayCanvas ref={refs.gray} map01={map01} width={w} height={h} label={`Saliency map for ${result.label}, grayscale`} />
          <figcaption>
            Saliency (grayscale){' '}
            <button type="button" className="link" data-testid="download-map" onClick={() => refs.gray.current?.download(`${base}-map.png`)}>
              PNG
            </button>
          </figcaption>
        </figure>
      </div>
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
      {/* The display settings sit right under the two maps they change (below the photo and the input, a keyboard user scrolled the maps away to reach them). */}
      <div className="maps">
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
    </section>
  );
}
