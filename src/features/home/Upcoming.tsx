import { goTo } from '../../state/actions';

const TEXT = {
  transfer: {
    title: 'Transfer learning',
    body: 'The fine-tuning studio (datasets, model surgery, training in a worker with live curves) is not built yet. Converted AlexNet models already carry the layer names it will use (trunk output and classifier layers).',
  },
} as const;

/** Honest placeholder for a screen a later issue fills. */
export function Upcoming({ screen }: { screen: keyof typeof TEXT }) {
  const t = TEXT[screen];
  return (
    <section className="panel" data-testid={`screen-${screen}`} aria-labelledby="upcoming-h">
      <h2 id="upcoming-h">{t.title}</h2>
      <p>{t.body}</p>
      <button type="button" onClick={() => goTo('home')}>
        Back to models
      </button>
    </section>
  );
}
