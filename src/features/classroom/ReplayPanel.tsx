/** Replay a saved (or imported) run on the charts at 1×–20×: a slow machine can still show a 10-epoch run. */
import { useMemo, useState } from 'react';
import { formatMs } from '../../lib/format';
import { endReplay, importRuns, notify, playReplay, setReplaySpeed, startReplay } from '../../state/classroomActions';
import { parseRunFile, REPLAY_SPEEDS, replayDuration, replayFrame, replaySpeedFor } from '../../state/replay';
import { runNames } from '../../state/runNames';
import { useStore } from '../../state/store';
import { showCharts } from '../../lib/showOnPage';

/** A run in the menu: its short name, with its epochs unless the name gives them (where runs differ in them). */
const menuName = (name: string, epochs: number) => (/ epochs? · /.test(name) ? name : `${name} · ${epochs} epoch${epochs === 1 ? '' : 's'}`);

export function ReplayPanel() {
  const runs = useStore((s) => s.tlRuns);
  const replay = useStore((s) => s.replay);
  const busy = useStore((s) => s.tlStatus !== 'idle');
  const [pick, setPick] = useState('');
  const [chosen, setSpeed] = useState<number | null>(null);
  const runId = pick && runs.some((r) => r.id === pick) ? pick : (runs.at(-1)?.id ?? '');
  const run = replay ? runs.find((r) => r.id === replay.runId) : undefined;
  const names = useMemo(() => runNames(runs), [runs]);
  // The menu's one line: what sets each run apart, its time and its best (the full name was cut at 1024 px).
  const short = useMemo(() => runNames(runs, true), [runs]);
  // Unless one was chosen: the fastest speed at which the picked run still lasts 15 s.
  const picked = runs.find((r) => r.id === runId);
  const speed = chosen ?? (picked ? replaySpeedFor(picked) : 10);
  const frame = replay && run ? replayFrame(run, replay.step) : null;
  return (
    <fieldset className="replay" data-testid="replay-panel">
      <legend>Replay a saved run</legend>
      <div className="row">
        <label>
          Run{' '}
          <select value={runId} onChange={(e) => setPick(e.target.value)} disabled={runs.length === 0} data-testid="replay-run" aria-label="Run to replay">
            {runs.length === 0 && <option value="">no saved runs yet</option>}
            {runs.map((r) => (
              <option key={r.id} value={r.id}>
                {menuName(short.get(r.id) ?? r.label, r.epochs.length)} · best {r.summary.best.valAcc.toFixed(3)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Speed{' '}
          <select
            value={replay?.speed ?? speed}
            onChange={(e) => {
              setSpeed(Number(e.target.value));
              setReplaySpeed(Number(e.target.value));
            }}
            data-testid="replay-speed"
          >
            {REPLAY_SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
        </label>
        {replay ? (
          <>
            <button type="button" onClick={() => playReplay(!replay.playing)} data-testid="replay-start" aria-pressed={replay.playing}>
              {replay.playing ? 'Pause replay' : 'Play replay'}
            </button>
            <button type="button" onClick={endReplay} data-testid="replay-stop">
              End replay
            </button>
          </>
        ) : (
          <button type="button" disabled={!runId || busy} onClick={() => {
              startReplay(runId, speed);
              // The curves it draws are above this panel: in view, or the replay played unseen.
              showCharts();
            }} data-testid="replay-start">
            Replay
          </button>
        )}
        <label className="filebutton secondary">
          Import runs file…
          <input
            type="file"
            accept=".json,application/json"
            data-testid="replay-import"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (!f) return;
              try {
                await importRuns(parseRunFile(await f.text()));
              } catch (err) {
                notify(`${f.name}: ${err instanceof Error ? err.message : String(err)}`);
              }
            }}
          />
        </label>
      </div>
      {replay && run && frame && (
        <div className="progress" data-testid="replay-progress" aria-live="off">
          <span>
            Replaying “{names.get(run.id) ?? run.label}” at {replay.speed}× ·{' '}
            {frame.phase === 'features' ? 'frozen trunk (feature pass)' : frame.phase === 'train' ? `epoch ${frame.epochs.length + 1} of ${run.epochs.length}` : 'finished'} ·{' '}
            {formatMs(replay.step)} of {formatMs(replayDuration(run))} of the original run
          </span>
          <progress max={replayDuration(run)} value={replay.step} aria-label="Replay position" />
        </div>
      )}
    </fieldset>
  );
}
