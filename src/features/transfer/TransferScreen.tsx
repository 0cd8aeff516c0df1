/** Lesson A: the transfer-learning studio (dataset, surgery, recipe, training, results). */
import { useEffect } from 'react';
import { startTransfer } from '../../state/transferActions';
import { useStore } from '../../state/store';
import { ReplayPanel } from '../classroom/ReplayPanel';
import { CourseModelOffer } from '../models/CourseModelOffer';
import { Charts } from './Charts';
import { DatasetPanel } from './DatasetPanel';
import { LayerProbe } from './LayerProbe';
import { RecipePanel } from './RecipePanel';
import { ResumeOffer } from './ResumeOffer';
import { Results } from './Results';
import { StrategyPanel } from './StrategyPanel';
import { TrainControls } from './TrainControls';

export function TransferScreen() {
  const model = useStore((s) => s.tlModel);
  const modelError = useStore((s) => s.tlModelError);
  const indexState = useStore((s) => s.indexState);
  useEffect(() => {
    void startTransfer();
  }, [indexState]);
  const lecture = useStore((s) => s.lecture);
  // Keyed, so switching modes moves the panels (a run's charts and choices stay) rather than remounting them.
  const intro = (
    <section key="intro" className="panel" aria-labelledby="tl-h">
      <h2 id="tl-h">Transfer learning</h2>
      <p className="small secondary">
        Keep an ImageNet-trained network's convolutional trunk frozen, give it a new classifier head, and train only the head to recognise painting styles.
        The frozen trunk runs once per image (the feature cache); every epoch after that takes seconds. Training runs in its own worker, so the page stays
        responsive.
      </p>
      <p className="small" data-testid="transfer-model">
        Backbone: {model ? <strong>{model.name}</strong> : modelError ? <span className="error">{modelError}</span> : 'loading…'}
        {model && <CourseModelOffer lesson="transfer" />}
      </p>
    </section>
  );
  const setup = (
    <div key="setup" className="columns">
      <DatasetPanel />
      <StrategyPanel />
    </div>
  );
  // Lecture mode: what the room watches (Train, the curves, then the results) comes first in the page itself,
  // not only on the screen, so Tab follows what is shown; the recipe follows the curves.
  const recipe = <RecipePanel key="recipe" />;
  const training = (
    <section key="training" className="panel train-panel" aria-labelledby="train-h">
      <h2 id="train-h">3 · Training</h2>
      {!lecture && recipe}
      <TrainControls />
      <Charts />
      <ReplayPanel />
      {lecture && recipe}
    </section>
  );
  const results = <Results key="results" />;
  return (
    <div className="transfer" data-testid="screen-transfer">
      {/* First on the screen in both modes: after a reload, the cut-off run is what a student needs to see. */}
      <ResumeOffer key="resume" />
      {lecture ? [training, results, intro, setup] : [intro, setup, training, results]}
      <LayerProbe key="probe" />
    </div>
  );
}
