/** Top-k classes with probability bars; `label` lets a screen make each class clickable. */
import type { ReactNode } from 'react';
import type { Prediction } from '../../worker/model/protocol';

export function Predictions({ items, testId, label }: { items: Prediction[]; testId: string; label?: (p: Prediction) => ReactNode }) {
  return (
    <ol className="predictions" data-testid={testId}>
      {items.map((p) => (
        <li key={p.index} data-testid="prediction-item" data-class-index={p.index} data-prob={p.prob}>
          {label ? label(p) : <span className="pred-label">{p.label}</span>}
          <span className="bar" aria-hidden="true">
            <span style={{ width: `${(p.prob * 100).toFixed(1)}%` }} />
          </span>
          <span className="pred-prob">{(p.prob * 100).toFixed(1)}%</span>
        </li>
      ))}
    </ol>
  );
}
