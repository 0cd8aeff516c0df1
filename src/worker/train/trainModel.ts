/** Opens a model for training: a URL (through the IndexedDB model cache where asked) to a backbone, and what the studio shows of it. */
import { planFor } from '../../ml/core/surgery';
import { STRATEGIES } from '../../ml/core/vocab';
import { fromLayersModel, type Backbone } from '../../ml/runtime/backbone';
import { layersModelFromArtifacts } from '../../ml/runtime/leanLoad';
import { loadUrlArtifacts, replaceInCache } from '../../ml/runtime/modelSource';
import type { TrainModelInfo } from './protocol';

export async function openTrainModel(url: string, opts: { useCache: boolean; fetchFn: typeof fetch }): Promise<{ backbone: Backbone; info: TrainModelInfo }> {
  // The same IndexedDB model cache as the model worker: a model seen once loads offline.
  const loaded = await loadUrlArtifacts(url, opts);
  const backbone = await fromLayersModel(await layersModelFromArtifacts(loaded.artifacts));
  if (loaded.saveKey) await replaceInCache(url, loaded.saveKey, loaded.artifacts).catch(() => undefined);
  const strategies = STRATEGIES.filter((s) => {
    try {
      planFor(backbone.model, backbone.meta, s, 2);
      return true;
    } catch {
      return false;
    }
  });
  const info: TrainModelInfo = {
    name: backbone.meta.name,
    arch: backbone.meta.arch,
    strategies,
    trunkOutput: backbone.meta.trunkOutput,
    classifierLayers: backbone.meta.classifierLayers,
    topology: backbone.model.toJSON(null, false),
  };
  return { backbone, info };
}
