/** Which layers are replaced, frozen or trained, with the layer table. */
import { STRATEGIES, strategyLabel, type Strategy } from '../../ml/core/vocab';
import { setStrategy } from '../../state/transferActions';
import { useStore } from '../../state/store';
import { PANEL_HEADING, PANEL_TITLE } from '../../state/trainBlocker';

export function StrategyPanel() {
  const model = useStore((s) => s.tlModel);
  const strategy = useStore((s) => s.tlStrategy);
  const plan = useStore((s) => s.tlPlan);
  const running = useStore((s) => s.tlStatus !== 'idle');
  const lecture = useStore((s) => s.lecture);
  const trained = plan?.rows.filter((r) => r.status === 'new' || r.status === 'trainable').length ?? 0;
  return (
    <section className="panel" aria-labelledby={PANEL_HEADING.strategy}>
      <h2 id={PANEL_HEADING.strategy} tabIndex={-1}>
        {PANEL_TITLE.strategy}
      </h2>
      <label>
        Strategy{' '}
        <select data-testid="strategy-select" value={strategy} disabled={running || !model} onChange={(e) => setStrategy(e.target.value as Strategy)}>
          {STRATEGIES.map((s) => (
            <option key={s} value={s} disabled={!model?.strategies.includes(s)}>
              {strategyLabel(s, model?.classifierLayers ?? [], lecture)}
              {model && !model.strategies.includes(s) ? ' — not for this model' : ''}
            </option>
          ))}
        </select>
      </label>
      {plan?.note && <p className="hint">{plan.note}</p>}
      {plan?.error && (
        <p className="error" role="alert">
          {plan.error}
        </p>
      )}
      {plan && plan.rows.length > 0 && (
        <details>
          <summary>Layer table ({trained} trained layer{trained === 1 ? '' : 's'})</summary>
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Layer table">
          <table className="layers">
            <thead>
              <tr>
                <th scope="col">Layer</th>
                <th scope="col">Type</th>
                <th scope="col">Output</th>
                <th scope="col">Parameters</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {plan.rows.map((r) => (
                <tr key={r.name} data-status={r.status}>
                  <td>{r.name}</td>
                  <td>{r.type}</td>
                  <td>{r.outputShape}</td>
                  <td>{r.params.toLocaleString()}</td>
                  <td>
                    <span className={`status status-${r.status}`}>{r.status}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
        </details>
      )}
    </section>
  );
}
