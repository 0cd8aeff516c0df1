/** A run a reload or a closed tab cut off: what it was, and a button to continue it once its model and dataset are loaded again. */
import { discardInterrupted, resumeInterrupted } from '../../state/resumeActions';
import { resumeBlocker } from '../../state/trainBlocker';
import { useStore } from '../../state/store';

export function ResumeOffer() {
  const r = useStore((s) => s.tlResume);
  const blocker = useStore(resumeBlocker);
  const status = useStore((s) => s.tlStatus);
  if (!r || status !== 'idle') return null;
  const when = new Date(r.date).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return (
    <div className="resume-offer" role="status" data-testid="resume-offer">
      <p>
        A run was cut off after epoch {r.epoch} of {r.config.epochs} ({r.strategy} · {r.config.optimizer} lr {r.config.lr} · {r.dataset}, {when}): the page was reloaded or
        closed. Its completed epochs are kept{blocker ? `; to resume it, ${blocker}.` : '.'}
      </p>
      <div className="row">
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
