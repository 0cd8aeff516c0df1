/** Vanilla, SmoothGrad and Grad-CAM of the same image and class side by side, each appearing when it is ready. */
import { useDeferredValue, useMemo } from 'react';
import { formatMs } from '../../lib/format';
import { SALIENCY_METHOD_INFO, type SaliencyMethod } from '../../ml/core/vocab';
import { COMPARE_METHODS, setSalParams } from '../../state/saliencyActions';
import { useStore } from '../../state/store';
import { normalizedMap, overlayOf } from '../../viz/colormap';
import type { SaliencyResult } from '../../worker/model/protocol';
import { PixelCanvas } from './PixelCanvas';

function Item({ method, result: latest }: { method: SaliencyMethod; result: SaliencyResult | undefined }) {
  // Drawn in React's background lane, as the main panels (SaliencyScreen): no long task on arrival.
  const result = useDeferredValue(latest ?? null, null);
  const d = useStore((s) => s.salDisplay);
  const rgba = useMemo(() => (result ? overlayOf(result.input, normalizedMap(result.map, d.clip), d.colormap, d.opacity) : null), [result, d.clip, d.colormap, d.opacity]);
  const name = SALIENCY_METHOD_INFO[method].short;
  return (
    <figure className="compare-item" data-testid="compare-item" data-method={method} data-ready={result ? 'true' : 'false'}>
      {rgba && result ? <PixelCanvas rgba={rgba} width={result.width} height={result.height} label={`${name} overlay`} /> : <div className="compare-wait">computing…</div>}
      <figcaption>
        <button type="button" className="link" onClick={() => setSalParams({ method })} title={`Show ${name} above`}>
          {name}
        </button>
        {/* The time on a line of its own under every name (in a narrow column one wrapped there and the others did not). */}
        {result && <span className="small">{formatMs(result.ms)}</span>}
      </figcaption>
    </figure>
  );
}

export function CompareStrip() {
  const active = useStore((s) => s.salActive);
  const results = useStore((s) => (s.salActive ? s.salCompare[s.salActive] : undefined));
  const main = useStore((s) => (s.salActive ? s.salResults[s.salActive] : undefined));
  if (!active || !main) return null;
  return (
    <section className="compare-strip" data-testid="compare-strip" aria-label="The same image and class under three methods">
      {COMPARE_METHODS.map((m) => (
        <Item key={m} method={m} result={results?.[m]} />
      ))}
    </section>
  );
}
