/** The saliency method and its parameters (samples, noise, steps, baseline, Grad-CAM layer). */
import { SALIENCY_METHOD_INFO, SALIENCY_METHODS } from '../../ml/core/vocab';
import { setSalParams } from '../../state/saliencyActions';
import { useStore } from '../../state/store';
import { Num } from '../shared/Num';
import type { SaliencyParams } from '../../worker/model/protocol';

/** A stable empty list: a selector must not return a new array each render. */
const EMPTY: string[] = [];


export function MethodPanel() {
  const p = useStore((s) => s.salParams);
  const layers = useStore((s) => s.current?.info.spatialLayers ?? EMPTY);
  const camDefault = useStore((s) => s.current?.info.camLayer ?? null);
  const m = SALIENCY_METHOD_INFO[p.method];
  // On a projector the short names: the long ones did not fit the select at 1280×720.
  const lecture = useStore((s) => s.lecture);
  return (
    <fieldset className="method">
      <legend>Method</legend>
      <label>
        <span className="sr-only">Saliency method</span>
        <select data-testid="method-select" value={p.method} onChange={(e) => setSalParams({ method: e.target.value as SaliencyParams['method'] })}>
          {SALIENCY_METHODS.map((x) => (
            <option key={x} value={x}>
              {lecture ? SALIENCY_METHOD_INFO[x].short : SALIENCY_METHOD_INFO[x].label}
            </option>
          ))}
        </select>
      </label>
      <p className="small">{m.note}</p>
      {p.method === 'smoothgrad' && (
        <div className="row">
          {/* Typed letters, or a number out of range, are said beside the field (letters became 1 sample, silently). */}
          <Num label="Samples" value={p.samples} step={1} range={{ min: 1, max: 200, integer: true }} onChange={(v) => setSalParams({ samples: v })} testId="samples-input" noteTestId="method-note" />
          <Num label="Noise σ (% of range)" value={p.noisePct} step={1} range={{ min: 0, max: 100, integer: true }} onChange={(v) => setSalParams({ noisePct: v })} noteTestId="method-note" />
        </div>
      )}
      {p.method === 'integrated-gradients' && (
        <div className="row">
          <Num label="Steps" value={p.steps} step={1} range={{ min: 1, max: 300, integer: true }} onChange={(v) => setSalParams({ steps: v })} noteTestId="method-note" />
          <label>
            Baseline{' '}
            <select value={p.baseline} onChange={(e) => setSalParams({ baseline: e.target.value as 'black' | 'blur' })}>
              <option value="black">black image</option>
              <option value="blur">blurred image</option>
            </select>
          </label>
        </div>
      )}
      {p.method === 'gradcam' && (
        <label>
          Layer{' '}
          <select value={p.layer ?? camDefault ?? ''} onChange={(e) => setSalParams({ layer: e.target.value })}>
            {layers.map((l) => (
              <option key={l} value={l}>
                {l}
                {l === camDefault ? ' (default)' : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      {p.method !== 'gradcam' && (
        <details className="teaching secondary">
          <summary>Teaching toggles</summary>
          <div className="row">
            <label>
              Channels{' '}
              <select data-testid="aggregate-select" value={p.aggregate} onChange={(e) => setSalParams({ aggregate: e.target.value as 'max' | 'sum' })}>
                <option value="max">max |·| (the paper)</option>
                <option value="sum">sum |·| (PAIR, Captum)</option>
              </select>
            </label>
            <label>
              Differentiate{' '}
              <select data-testid="target-select" value={p.target} onChange={(e) => setSalParams({ target: e.target.value as 'logit' | 'prob' })}>
                <option value="logit">class score S_c (the paper)</option>
                <option value="prob">softmax probability</option>
              </select>
            </label>
          </div>
          <p className="small">
            The probability P_c = e^S_c / Σ e^S_k also rises when other classes' scores fall, so its gradient mixes in evidence
            <em> against</em> the other classes; the score's gradient shows evidence for class c alone.
          </p>
        </details>
      )}
    </fieldset>
  );
}

/**
 * The method beside the map it made: on a projector at 1280×720 the Method panel sits below the
 * fold, and an instructor switching methods mid-demo should not have to scroll (keyboard: M).
 */
export function MethodQuickSelect() {
  const method = useStore((s) => s.salParams.method);
  return (
    <label className="method-quick">
      <span className="sr-only">Saliency method</span>
      <select data-testid="map-method" value={method} onChange={(e) => setSalParams({ method: e.target.value as SaliencyParams['method'] })} title="The saliency method (keyboard: M)">
        {SALIENCY_METHODS.map((x) => (
          <option key={x} value={x}>
            {SALIENCY_METHOD_INFO[x].short}
          </option>
        ))}
      </select>
    </label>
  );
}
