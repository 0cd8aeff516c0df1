/** The activation explorer's one action: a layer's feature maps for the active image, from the model worker. */
import type { ActivationsResult } from '../worker/model/protocol';
import { getClient } from './actions';
import { useStore } from './store';

/** How many channels the grid shows (strongest first); the worker caches per (model, image, layer). */
export const ACTIVATION_CHANNELS = 48;

/** null when there is no image or model yet; rejects with the worker's message (e.g. an unknown layer). */
export async function fetchActivations(layer: string | null): Promise<ActivationsResult | null> {
  const s = useStore.getState();
  const img = s.salImages.find((i) => i.id === s.salActive);
  if (!img || !s.current) return null;
  return getClient().request<'activations'>({
    type: 'activations',
    image: { data: img.pixels, width: img.width, height: img.height },
    imageKey: img.id,
    layer,
    maxChannels: ACTIVATION_CHANNELS,
  });
}
