/** Several images: one map each. */
import { useDeferredValue, useMemo } from 'react';
import { cancelSaliency, removeAllImages, removeImage, selectImage } from '../../state/saliencyActions';
import { useStore, type SalImage } from '../../state/store';
import { normalizedMap, overlay } from '../../viz/colormap';
import { PixelCanvas } from './PixelCanvas';

function Card({ img }: { img: SalImage }) {
  // Drawn in React's background lane, as the main panels (SaliencyScreen): no long task on arrival.
  const result = useDeferredValue(useStore((s) => s.salResults[img.id]) ?? null, null);
  const active = useStore((s) => s.salActive === img.id);
  const busy = useStore((s) => (s.salBusy?.imageId === img.id ? s.salBusy : null));
  const cm = useStore((s) => s.salDisplay.colormap);
  const pixels = useMemo(() => (result ? overlay(result.input, normalizedMap(result.map, 99), cm, 0.8) : null), [result, cm]);
  return (
    <li className={`card ${active ? 'active' : ''}`}>
      <button type="button" className="card-main" aria-pressed={active} onClick={() => selectImage(img.id)}>
        {pixels && result ? (
          <PixelCanvas rgba={pixels} width={result.width} height={result.height} label={`${img.name}: ${result.label}`} />
        ) : (
          <img src={img.thumb} alt={img.name} className="pixels" />
        )}
        <span className="small" data-testid="card-status">{busy ? `computing…${busy.total > 1 ? ` ${busy.done}/${busy.total}` : ''}` : result ? result.label.split(',')[0] : 'waiting…'}</span>
        {/* Two cats both read "Egyptian cat": the file tells them apart. */}
        <span className="small card-name" title={img.name}>
          {img.name}
        </span>
      </button>
      {/* Its job's Cancel sits here, with its count: the map above shows another image. */}
      {busy && (
        <button type="button" className="link" data-testid="card-cancel" aria-label={`Cancel the maps still to compute (${img.name} first)`} onClick={cancelSaliency}>
          cancel
        </button>
      )}
      <button type="button" className="link" aria-label={`Remove ${img.name}`} onClick={() => removeImage(img.id)}>
        remove
      </button>
    </li>
  );
}

export function BatchGrid() {
  const images = useStore((s) => s.salImages);
  if (images.length < 2) return null;
  return (
    <section aria-label="All images" id="sal-grid">
      {/* Back to an empty page, at its top where new images are given (the grid's height gone, the window was left halfway down a blank page). */}
      <p className="small grid-head">
        {images.length} images{' '}
        <button type="button" className="link" data-testid="grid-clear" onClick={() => {
            removeAllImages();
            window.scrollTo(0, 0);
            document.getElementById('sal-h')?.focus({ preventScroll: true });
          }}>
          Remove all
        </button>
      </p>
      <ul className="grid" data-testid="batch-grid">
        {images.map((img) => (
          <Card key={img.id} img={img} />
        ))}
      </ul>
    </section>
  );
}
