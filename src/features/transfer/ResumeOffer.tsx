/** A run a reload or a closed tab cut off: what it was, and a button to continue it once its model and dataset are loaded again. */
import { strategyLabel } from '../../ml/core/vocab';
import { discardInterrupted, resumeInterrupted } from '../../state/resumeActions';
import { useStore } from '../../state/store';
import { resumeBlocker } from '../../state/trainBlocker';
import { loadManifest } from '../../state/transferActions';

/** A stable empty list: a selector must not return a new array each render (React would loop). */
const NO_LAYERS: string[] = [];

export function ResumeOffer() {
  const r = useStore((s) => s.tlResume);
  const blocker = useStore(resumeBlocker);
  const status = useStore((s) => s.tlStatus);
  const busy = useStore((s) => s.tlDatasetBusy);
  const layers = useStore((s) => s.tlModel?.classifierLayers ?? NO_LAYERS);
  const needsData = useStore((s) => !!s.tlResume && s.tlDataset?.signature !== s.tlResume.signature);
  if (!r || status !== 'idle') return null;
  const when = new Date(r.date).toLocaleTimeString();
  return (
    <div className="resume-offer" role="status" data-testid="resume-offer">
      <p>
        A run was cut off after epoch {r.epoch} of {r.config.epochs} ({strategyLabel(r.strategy, layers, true)} on {r.dataset}, {r.config.optimizer} lr {r.config.lr}, {when}):
        the page was reloaded or closed. Epochs 1–{r.epoch} were saved{blocker ? `; to resume it, ${blocker}` : ''}. Train starts a new run instead, and this one is then
        discarded.
      </p>
      <div className="row">
        {needsData && r.manifest && (
          <button type="button" data-testid="resume-load" disabled={busy} onClick={() => void loadManifest(r.manifest!.url, r.manifest!.baseUrl)}>
            Load {r.dataset} again
          </button>
        )}
        <button type="button" data-testid="resume-run" disabled={blocker !== null} onClick={() => void resumeInterrupted()}>
          Resume from epoch {r.epoch + 1}
        </button>
        <button type="button" className="link" data-testid="resume-discard" onClick={() => void discardInterrupted()}>
          Discard it
        </button>
      </div>
    </div>
  );
}
