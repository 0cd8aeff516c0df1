/** Start / pause / resume / stop, a progress bar with ETA, and the feature cache. */
import { formatBytes, formatMs } from '../../lib/format';
import { showPanel } from '../../lib/showOnPage';
import { useEffect, useRef, useState } from 'react';
import { useFocusNext } from '../shared/useFocusNext';
import { clearFeatureCache, loadSampleDataset, pauseTraining, preparedDatasets, setConfig, startTraining, stopTraining } from '../../state/transferActions';
import { etaMs } from '../../state/progress';
import { useStore } from '../../state/store';
import type { EpochAt } from '../../state/slices/transfer';
import { PANEL_HEADING, PANEL_TITLE, trainBlocker, type Blocker } from '../../state/trainBlocker';
import { useShallow } from 'zustand/react/shallow';

const PHASE = { download: 'Downloading images', features: 'Running the frozen trunk (feature cache)', train: 'Training the head' } as const;

/** "epoch 2 of 10 · batch 3 of 25" (the batch within its epoch) while the head trains, as the charts count; "37/280" otherwise. */
function counts(p: { phase: keyof typeof PHASE; done: number; total: number; at?: EpochAt }): string {
  const a = p.phase === 'train' ? p.at : undefined;
  return a ? `epoch ${a.epoch} of ${a.epochs} · batch ${a.batch} of ${a.batches}` : `${p.done}/${p.total}`;
}

const showResults = () => showPanel('results-h');

/** The reason Train waits; the panel it names is a link there, its arrow pointing where that panel is (lecture mode puts it below the results, light mode above Train). */
function BlockerText({ blocker }: { blocker: Blocker }) {
  const { text, panel } = blocker;
  const lecture = useStore((s) => s.lecture);
  if (!panel) return <>{text}</>;
  return (
    <>
      {text} (
      <button type="button" className="link inline" data-testid="blocker-panel" onClick={() => showPanel(PANEL_HEADING[panel])}>
        {PANEL_TITLE[panel]} {lecture ? '↓' : '↑'}
      </button>
      )
    </>
  );
}

export function TrainControls() {
  const status = useStore((s) => s.tlStatus);
  const progress = useStore((s) => s.tlProgress);
  const blocker = useStore(useShallow(trainBlocker));
  const ready = blocker === null;
  const cache = useStore((s) => s.tlCache);
  const error = useStore((s) => s.tlError);
  const lastRun = useStore((s) => s.tlRuns.at(-1));
  const yielding = useStore((s) => s.tlYielding);
  const eta = etaMs(progress, performance.now());
  const batch = useStore((s) => s.tlConfig.batchSize);
  // With no paintings yet, the one step missing is offered where Train waits: in lecture mode this
  // panel comes first and "1 · Paintings" sits a screen and a half below it.
  const noData = useStore((s) => !s.tlDataset && !s.tlDatasetBusy);
  const [hasSample, setHasSample] = useState(false);
  useEffect(() => {
    void preparedDatasets().then((d) => setHasSample(d.some((x) => x.sample)));
  }, []);
  const paceMs = useStore((s) => s.tlConfig.paceMs);
  const lecture = useStore((s) => s.lecture);
  const dataset = useStore((s) => s.tlDataset);
  const epochs = useStore((s) => s.tlConfig.epochs);
  const trainSize = dataset?.train ?? 0;
  const suggested = Math.max(1, Math.floor(trainSize / 4));
  // Train disables itself, Pause becomes Resume, the sample-paintings link goes: focus moves to what acts next.
  const root = useRef<HTMLDivElement>(null);
  useFocusNext(root, `${status}|${ready}`, status === 'running' ? '[data-testid="train-pause"]' : status === 'paused' ? '[data-testid="train-resume"]' : status === 'idle' ? '[data-testid="train-start"]' : null);
  return (
    <div className="train-controls" ref={root}>
      {/* Not while Train waits for something else (one class): the reason it waits is the message, not the batch. */}
      {trainSize > 0 && batch > trainSize && (ready || status !== 'idle') && (
        <p className="warning" data-testid="batch-warning">
          The batch ({batch}) is larger than the training split ({trainSize} images): each epoch is a single step.{' '}
          <button type="button" className="link" data-testid="batch-suggest" disabled={status !== 'idle'} onClick={() => setConfig({ batchSize: suggested })}>
            Use a batch of {suggested}
          </button>{' '}
          ({Math.ceil(trainSize / suggested)} steps per epoch).
        </p>
      )}
      <div className="row">
        <button type="button" data-testid="train-start" disabled={status !== 'idle' || !ready} onClick={() => void startTraining()}>
          Train
        </button>
        {status === 'paused' ? (
          <button type="button" onClick={() => pauseTraining(false)} data-testid="train-resume">
            Resume
          </button>
        ) : (
          <button type="button" disabled={status !== 'running'} onClick={() => pauseTraining(true)} data-testid="train-pause">
            Pause
          </button>
        )}
        <button type="button" data-testid="train-stop" disabled={status === 'idle' || status === 'stopping'} onClick={stopTraining}>
          Stop
        </button>
        {lecture && (
          <label className="small" title="Spread each epoch's batches over at least a second, so the class can watch the curves grow (the times shown are compute only)">
            <input type="checkbox" checked={(paceMs ?? 0) > 0} disabled={status !== 'idle'} onChange={(e) => setConfig({ paceMs: e.target.checked ? 1000 : 0 })} data-testid="pace-toggle" /> Pace: ≥ 1 s per
            epoch
          </label>
        )}
        <span className="small secondary" data-testid="feature-cache-status">
          {cache && cache.entries > 0 ? `cached: ${cache.images} images, ${formatBytes(cache.bytes)}` : 'feature cache empty'}
          {cache && cache.entries > 0 && (
            <>
              {' '}
              <button type="button" className="link" onClick={() => void clearFeatureCache()} disabled={status !== 'idle'}>
                clear
              </button>
            </>
          )}
        </span>
      </div>
      {status === 'idle' && blocker && (
        <p className={noData ? 'small' : 'warning'} aria-live="polite" data-testid="train-blocked">
          Train waits: <BlockerText blocker={blocker} />
          {noData && hasSample && (
            <>
              {' '}
              <button type="button" className="link" data-testid="train-sample-dataset" onClick={() => void loadSampleDataset()}>
                Use the sample paintings
              </button>
            </>
          )}
        </p>
      )}
      {status === 'idle' && ready && !lastRun && dataset && (
        <p className="small" data-testid="train-ready">
          Ready: {epochs} epoch{epochs === 1 ? '' : 's'} on {dataset.name} ({dataset.train} training and {dataset.val} validation images, {dataset.classes.length} classes).
        </p>
      )}
      {progress && (
        <div className="progress" aria-live="polite" data-testid="train-progress">
          <span>
            {PHASE[progress.phase]}
            {progress.total ? `: ${counts(progress)}` : '…'}
            {progress.note ? ` (${progress.note})` : ''}
            {eta !== null ? ` · about ${formatMs(eta)} left` : ''}
            {status === 'paused' ? ' · paused' : ''}
            {status === 'running' && yielding ? ' · waiting: another screen is computing on both cores' : ''}
          </span>
          <progress max={progress.total || 1} value={progress.total ? progress.done : undefined} aria-label="Training progress" />
        </div>
      )}
      {lastRun && status === 'idle' && (
        <p className="small" data-testid="last-run-info">
          {/* A run on other paintings than those loaded now (its accuracy and chance are not this dataset's): said. */}
          Last run{dataset && lastRun.dataset !== dataset.name ? ` (on ${lastRun.dataset}, not ${dataset.name})` : ''}: features {lastRun.summary.fromCache ? 'from the cache (trunk not recomputed)' : `computed in ${formatMs(lastRun.summary.featureMs)} (${lastRun.summary.imagesPerSecond.toFixed(1)} images/s)`}
          {lastRun.summary.unreadable
            ? ` · ${lastRun.summary.unreadable} unreadable image${lastRun.summary.unreadable === 1 ? '' : 's'} skipped${lastRun.summary.unreadableNames?.length ? ` (${lastRun.summary.unreadableNames.join(', ')}${lastRun.summary.unreadable > lastRun.summary.unreadableNames.length ? ', …' : ''})` : ''}`
            : ''}
          {lastRun.summary.stopped ? ' · stopped early' : ''} · best validation accuracy {lastRun.summary.best.valAcc.toFixed(3)} (epoch {lastRun.summary.best.epoch}){' '}
          {/* The confusion matrix and Try it sit below the charts (a screen or more on a projector): one click there. */}
          <button type="button" className="link" data-testid="results-jump" onClick={showResults}>
            See the results ↓
          </button>
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="train-error">
          {error}
        </p>
      )}
    </div>
  );
}
