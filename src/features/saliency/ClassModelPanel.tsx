/** A stable empty list: a selector must not return a new array each render. */
import { startClassModel, stopClassModel } from '../../state/classModelActions';
import { useStore } from '../../state/store';
import { PixelCanvas } from './PixelCanvas';

const EMPTY: string[] = [];

/** The paper's first method: an image the network finds most "class c", grown by gradient ascent. */
export function ClassModelPanel({ classIndex }: { classIndex: number | null }) {
  const cm = useStore((s) => s.salClassModel);
  const labels = useStore((s) => s.current?.info.meta.labels ?? EMPTY);
  const busy = useStore((s) => s.salBusy !== null);
  return (
    <details className="panel class-model secondary">
      <summary>Class model visualisation (what does the network think a “{classIndex !== null ? labels[classIndex] : '…'}” looks like?)</summary>
      <p className="small">
        Start from the mean image and climb the gradient of S_c(I) − λ‖I‖² (Simonyan et al. 2014, section 2). Each frame is shown as it evolves; stop at any
        time.
      </p>
      <div className="row">
        {cm.running ? (
          <button type="button" onClick={stopClassModel} data-testid="classmodel-stop">
            Stop
          </button>
        ) : (
          <button type="button" disabled={classIndex === null || busy} onClick={() => classIndex !== null && void startClassModel(classIndex)} data-testid="classmodel-start">
            Start
          </button>
        )}
        {cm.step > 0 && (
          <span className="small" aria-live="polite">
            step {cm.step} · S_c = {cm.score.toFixed(2)}
          </span>
        )}
      </div>
      {cm.rgba && <PixelCanvas rgba={cm.rgba} width={cm.width} height={cm.height} label={`Class model for ${labels[cm.classIndex ?? 0]}`} testId="classmodel-canvas" />}
    </details>
  );
}
