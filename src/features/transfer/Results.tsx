/** Epoch table, confusion matrix (cells open their images), precision/recall, mistakes, export. */
import { formatMs } from '../../lib/format';
import { useMemo, useState } from 'react';
import { EmbeddingPlot } from './EmbeddingPlot';
import { deleteRun, exportModel, exportRuns, imageUrl, openCell, tryFineTuned } from '../../state/transferActions';
import { useStore } from '../../state/store';
import { runNames } from '../../state/runNames';

/** The table's rows: the last ones of a long run (a thousand rows redrawn each epoch held the page up); the charts and the CSV have every epoch. */
const ROWS = 100;

export function Results() {
  const live = useStore((s) => s.tlLive);
  const runs = useStore((s) => s.tlRuns);
  const names = useMemo(() => runNames(runs), [runs]);
  const status = useStore((s) => s.tlStatus);
  const cell = useStore((s) => s.tlCell);
  const run = runs.at(-1);
  // After a reload (or a new training worker) the figures are back from storage, the trained head is not.
  const held = useStore((s) => !!run && s.tlHeldRun === run.id);
  const [which, setWhich] = useState<'best' | 'last'>('best');
  const epochs = status !== 'idle' ? (live?.epochs ?? []) : (run?.epochs ?? []);
  // After a run the confusion matrix comes first ("See the results" lands on it; the per-epoch table, a screen tall on a projector, pushed it below), then Try it and Export, then the table.
  const afterRun = !!run && status === 'idle';
  const epochTable = (
    <>
      {epochs.length > 0 && (
        <table className="epochs">
          <thead>
            <tr>
              <th scope="col">Epoch</th>
              <th scope="col">Train loss</th>
              <th scope="col">Train acc</th>
              <th scope="col">Val loss</th>
              <th scope="col">Val acc</th>
              <th scope="col" title="The epoch's computing time: a paced run's wait for its second is not counted">
                Compute
              </th>
            </tr>
          </thead>
          <tbody>
            {epochs.slice(-ROWS).map((e) => (
              <tr key={e.epoch} data-testid="epoch-row" data-val-acc={e.valAcc.toFixed(4)}>
                <td>{e.epoch}</td>
                <td>{e.trainLoss.toFixed(3)}</td>
                <td>{e.trainAcc.toFixed(3)}</td>
                <td>{e.valLoss.toFixed(3)}</td>
                <td>{e.valAcc.toFixed(3)}</td>
                <td>{formatMs(e.ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {epochs.length > ROWS && (
        <p className="small" data-testid="epoch-rows-note">
          The last {ROWS} of {epochs.length} epochs; the charts above and Runs as CSV have every one.
        </p>
      )}
    </>
  );
  return (
    <section className="panel" aria-labelledby="results-h">
      <h2 id="results-h" tabIndex={-1}>
        4 · Results
      </h2>
      {!afterRun && epochTable}
      {afterRun && (
        <>
          <h3>Confusion matrix (rows: true style, columns: predicted; each row sums to 1)</h3>
          <div className="table-scroll" tabIndex={0} aria-label="Confusion matrix (scrolls sideways)">
          <table className="confusion" data-testid="confusion-matrix">
            <thead>
              <tr>
                <th scope="col">true \ predicted</th>
                {run.classes.map((c) => (
                  <th key={c} scope="col" className="pred">
                    {c}
                  </th>
                ))}
                <th scope="col">precision / recall</th>
              </tr>
            </thead>
            <tbody>
              {run.summary.confusion.map((row, t) => {
                const total = row.reduce((a, b) => a + b, 0) || 1;
                return (
                  <tr key={t}>
                    <th scope="row">{run.classes[t]}</th>
                    {row.map((n, p) => (
                      <td key={p} style={{ background: `rgba(31, 95, 191, ${(n / total).toFixed(3)})`, color: n / total > 0.5 ? '#fff' : undefined }}>
                        <button type="button" className="cell" disabled={n === 0} onClick={() => openCell({ truth: t, predicted: p })} aria-label={`${n} ${run.classes[t]} predicted as ${run.classes[p]}`}>
                          {(n / total).toFixed(2)}
                        </button>
                      </td>
                    ))}
                    <td className="small">
                      {run.summary.precisionRecall[t]!.precision.toFixed(2)} / {run.summary.precisionRecall[t]!.recall.toFixed(2)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          </div>
          {cell && (
            <div className="cell-images" data-testid="cell-images">
              <p>
                {run.classes[cell.truth]} predicted as {run.classes[cell.predicted]}{' '}
                <button type="button" className="link" onClick={() => openCell(null)}>
                  close
                </button>
              </p>
              <div className="thumbs">
                {(run.summary.cells[`${cell.truth},${cell.predicted}`] ?? []).map((s) => {
                  const src = imageUrl(s);
                  return src ? <img key={s} src={src} alt={`${run.classes[cell.truth]} painting`} /> : null;
                })}
              </div>
            </div>
          )}
          {run.summary.mistakes.length > 0 && (
            <details>
              <summary>Most confident mistakes</summary>
              <ul className="mistakes">
                {run.summary.mistakes.map((m) => (
                  <li key={m.source}>
                    {imageUrl(m.source) && <img src={imageUrl(m.source)} alt="" />}
                    {run.classes[m.truth]} → {run.classes[m.predicted]} ({(m.confidence * 100).toFixed(0)}%)
                  </li>
                ))}
              </ul>
            </details>
          )}
          {!held && (
            <p className="hint" data-testid="run-not-held">
              This run's figures are kept; its trained model is not (a reload, a restarted training worker or runs imported from a file keep only the figures). Train again to try it or export it.
            </p>
          )}
          <div className="row">
            {held && (
              <>
                <button type="button" data-testid="try-model" onClick={() => void tryFineTuned()}>
                  Try it: predict styles and see saliency maps
                </button>
                <label>
                  <span className="sr-only">Which epoch to export</span>
                  <select value={which} onChange={(e) => setWhich(e.target.value as 'best' | 'last')} data-testid="export-which">
                    <option value="best">best validation epoch ({run.summary.best.epoch})</option>
                    <option value="last">last completed epoch ({run.epochs.length})</option>
                  </select>
                </label>
                <button type="button" data-testid="export-model" onClick={() => void exportModel(which)}>
                  Export fine-tuned model
                </button>
              </>
            )}
            <button type="button" onClick={() => exportRuns('json')}>
              Runs as JSON
            </button>
            <button type="button" onClick={() => exportRuns('csv')}>
              Runs as CSV
            </button>
          </div>
        </>
      )}
      {afterRun && epochTable}
      {held && <EmbeddingPlot />}
      {runs.length > 0 && (
        <details>
          <summary>Saved runs ({runs.length})</summary>
          <ul data-testid="saved-runs">
            {runs.map((r) => (
              <li key={r.id}>
                {names.get(r.id) ?? r.label} — best {r.summary.best.valAcc.toFixed(3)}{' '}
                <button type="button" className="link" onClick={() => void deleteRun(r.id)} disabled={status !== 'idle'}>
                  delete
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
