/** The first screen: the two lessons, one card each. */
import { goTo } from '../../state/actions';
import { ClassifyPanel } from '../classify/ClassifyPanel';
import { ModelPanel } from '../models/ModelPanel';

export function Home() {
  return (
    <>
      <section className="entries" aria-label="Lessons">
        <button type="button" className="entry" data-testid="entry-saliency" onClick={() => goTo('saliency')}>
          <span className="entry-title">Saliency maps</span>
          <span>Drop a photo and see which pixels VGG16's decision depends on: the gradient of the class score with respect to the image (Simonyan et al., 2014).</span>
        </button>
        <button type="button" className="entry" data-testid="entry-transfer" onClick={() => goTo('transfer')}>
          <span className="entry-title">Transfer learning</span>
          <span>Freeze an ImageNet-trained AlexNet, give it a new classifier head, and fine-tune it to recognise painting styles, with live curves.</span>
        </button>
      </section>
      <div className="columns">
        <ModelPanel />
        <ClassifyPanel />
      </div>
    </>
  );
}
