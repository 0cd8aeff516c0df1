/** Fine-tune or train from scratch: the classic 2 × 2 guide, each answer linked to a studio strategy. */
import { SALIENCY_METHOD_INFO } from '../../ml/core/vocab';
import { strategyLabel, type Strategy } from '../../ml/core/vocab';
import { goTo } from '../../state/actions';
import { closeLearn } from '../../state/classroomActions';
import { useStore } from '../../state/store';
import { setStrategy } from '../../state/transferActions';
import { ArchitectureView } from './ArchitectureView';

/** A strategy in the studio model's own layer names (SqueezeNet's last layer is conv10, not fc8). */
function UseStrategy({ strategy }: { strategy: Strategy }) {
  const model = useStore((s) => s.tlModel);
  const running = useStore((s) => s.tlStatus !== 'idle');
  const applies = !model || model.strategies.includes(strategy);
  return (
    <button
      type="button"
      className="link"
      disabled={running || !applies}
      title={applies ? undefined : `${model?.name} has no layers for this strategy`}
      onClick={() => {
        setStrategy(strategy);
        goTo('transfer');
      }}
    >
      {/* In the model's layer names where it applies; otherwise in AlexNet's, the course's. */}
      Use “{strategyLabel(strategy, applies ? (model?.classifierLayers ?? []) : [], true)}”
    </button>
  );
}

function TransferGuide() {
  return (
    <section aria-labelledby="learn-tl">
      <h3 id="learn-tl">Transfer learning: what to retrain</h3>
      <p>
        A network trained on ImageNet learns general features first and specific ones last: its first convolutions respond to edges, colour blobs and simple
        textures (useful for any image), the middle ones to patterns and object parts, and the fully connected layers combine them into the 1000 ImageNet
        classes. The further up a layer is, the more its features belong to the original task (Yosinski et al., 2014, “How transferable are features in deep
        neural networks?”). So keep the general layers, replace the specific ones, and retrain as much as your data can support:
      </p>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="When to fine-tune">
        <table className="guide">
          <caption className="sr-only">When to fine-tune and what to retrain, by dataset size and similarity to ImageNet</caption>
          <thead>
            <tr>
              <th scope="col">Your dataset</th>
              <th scope="col">Similar to ImageNet (photos of objects)</th>
              <th scope="col">Different (paintings, X-rays, satellite images)</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">Small (hundreds to a few thousand images)</th>
              <td>
                Keep every pretrained layer frozen; train only a new last layer — more would overfit.{' '}
                <UseStrategy strategy="fc8" />
              </td>
              <td>
                The top layers are too ImageNet-specific: train a linear classifier on an earlier layer’s features. The course’s 4,000 paintings are this
                case; it trains fc8 (or fc7 + fc8) as the baseline. <UseStrategy strategy="fc6-head" />
              </td>
            </tr>
            <tr>
              <th scope="row">Large (tens of thousands or more)</th>
              <td>
                Enough data to fine-tune more of the network without overfitting: retrain the last two layers, then also the last conv block at a smaller learning
                rate. <UseStrategy strategy="fc7-fc8" />
              </td>
              <td>
                Training from scratch becomes possible, but starting from pretrained weights still converges faster: fine-tune all fully connected layers and
                unfreeze the last conv block. <UseStrategy strategy="all-fc" />
              </td>
            </tr>
          </tbody>
        </table>
      </div>
      <p>
        <strong>What goes on top:</strong> a new fully connected layer with one output per class (here: one per painting style), softmax cross-entropy loss,
        dropout 0.5 on its input, and a learning rate about 10× smaller for any pretrained layer you unfreeze than for the new layer, so the pretrained
        features are adjusted, not destroyed. Frozen layers never change: their outputs can be computed once and cached (the studio’s feature cache).
      </p>
    </section>
  );
}

/** The saliency formula with the values of the map on screen, and the method's known limits. */
function SaliencyExplainer() {
  const result = useStore((s) => (s.salActive ? s.salResults[s.salActive] : undefined));
  const image = useStore((s) => s.salImages.find((i) => i.id === s.salActive));
  // The formula of the method on screen (the map's, else the one chosen).
  const method = useStore((s) => (s.salActive ? s.salResults[s.salActive]?.method : undefined) ?? s.salParams.method);
  return (
    <section aria-labelledby="learn-sal">
      <h3 id="learn-sal">Saliency maps: the formula{method !== 'vanilla' ? ` (${SALIENCY_METHOD_INFO[method].short})` : ''}</h3>
      {method === 'vanilla' ? (
        <>
          <p className="formula" aria-label="w equals the partial derivative of S c with respect to I, at I zero; M i j equals the maximum over the colour channels ch of the absolute value of w at i j ch (c is the class)">
            w = ∂S<sub>c</sub>/∂I |<sub>I = I₀</sub> &nbsp;&nbsp; M<sub>ij</sub> = max<sub>ch</sub> |w<sub>ij,ch</sub>|
          </p>
          <p>
            S<sub>c</sub> is the class score <em>before</em> the softmax (the logit): the softmax would also reward lowering every other class. Near the image I₀ the
            network is roughly linear, S<sub>c</sub>(I) ≈ wᵀI + b, so |w| says how much each pixel could move the score: the map is a first-order sensitivity, taken
            with one backward pass (Simonyan, Vedaldi &amp; Zisserman, 2014).
          </p>
        </>
      ) : (
        <>
          <p className="formula" data-testid="learn-formula">
            {method === 'smoothgrad' && <>M = max<sub>ch</sub> | (1/n) Σ<sub>k</sub> ∂S<sub>c</sub>/∂I (I₀ + ε<sub>k</sub>) |, ε<sub>k</sub> ~ N(0, σ²)</>}
            {method === 'integrated-gradients' && <>M = max<sub>ch</sub> | (I₀ − I′) ⊙ ∫<sub>0</sub><sup>1</sup> ∂S<sub>c</sub>/∂I (I′ + α(I₀ − I′)) dα |</>}
            {method === 'gradient-x-input' && <>M = max<sub>ch</sub> | I₀ ⊙ ∂S<sub>c</sub>/∂I (I₀) |</>}
            {method === 'gradcam' && <>M = ReLU(Σ<sub>k</sub> α<sub>k</sub> A<sup>k</sup>), α<sub>k</sub> = mean<sub>ij</sub> ∂S<sub>c</sub>/∂A<sup>k</sup><sub>ij</sub></>}
          </p>
          <p>{SALIENCY_METHOD_INFO[method].note}</p>
        </>
      )}
      {result ? (
        <dl className="live-values" data-testid="saliency-live-values">
          <dt>Image</dt>
          <dd>{image?.name ?? '—'}</dd>
          <dt>Class c</dt>
          <dd>
            {result.label} (index {result.classIndex})
          </dd>
          <dt>Score S_c (logit)</dt>
          <dd>{result.score.toFixed(3)}</dd>
          <dt>{result.method === 'vanilla' ? 'max |∂S_c/∂I|' : 'map maximum'}</dt>
          <dd>{result.maxGrad.toExponential(3)}</dd>
          <dt>Method</dt>
          <dd>
            {SALIENCY_METHOD_INFO[result.method].short}, {Math.round(result.ms)} ms on {result.backend}
          </dd>
        </dl>
      ) : (
        <p className="small">Open an image on the saliency screen to see its values here.</p>
      )}
      <p>
        <strong>Limits.</strong> Raw gradients are noisy and speckled (SmoothGrad averages them over noisy copies); they show where the score is sensitive, not
        what the network “looked at”; and a map can look convincing while explaining little — Adebayo et al. (2018, “Sanity checks for saliency maps”) show
        maps that barely change when the weights are randomised, which behave like edge detectors: a map is only evidence about the model if it changes when the model does. The colour scales
        (viridis, inferno, grey) are perceptually uniform and readable with colour-vision deficiencies.
      </p>
    </section>
  );
}

/** Short, linked teaching notes for the screen on show. */
export function LearnPanel() {
  const screen = useStore((s) => s.screen);
  return (
    <aside className="panel learn" data-testid="learn-panel" aria-labelledby="learn-h">
      <div className="row learn-head">
        <h2 id="learn-h" tabIndex={-1}>
          Learn
        </h2>
        <button type="button" className="toggle" onClick={closeLearn} data-testid="learn-close" aria-label="Close the Learn panel">
          Close ✕
        </button>
      </div>
      {screen !== 'saliency' && <TransferGuide />}
      {screen !== 'transfer' && <SaliencyExplainer />}
      <section aria-labelledby="learn-arch">
        <h3 id="learn-arch">Architecture</h3>
        <ArchitectureView />
      </section>
    </aside>
  );
}
