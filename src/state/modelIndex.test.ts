import { describe, expect, it } from 'vitest';
import { mergeIndex } from './modelIndex';
import type { ModelIndexEntry } from './store';

const entry = (id: string, url = `models/${id}/model.json`, arch = id): ModelIndexEntry => ({ id, name: id, arch, url, bytes: 1, quantize: 'float16', source: 's' });

describe('mergeIndex', () => {
  it('lists installed models first, then the embedded default, marked as such', () => {
    const m = mergeIndex([entry('vgg16')], [entry('squeezenet1_1-caffe', 'embedded/models/squeezenet1_1-caffe/model.json')]);
    expect(m.map((e) => e.id)).toEqual(['vgg16', 'squeezenet1_1-caffe']);
    expect(m[1]!.embedded).toBe(true);
    expect(m[0]!.embedded).toBeUndefined();
  });
  it('orders VGG16, AlexNet, SqueezeNet, the embedded SqueezeNet, then models of unknown architecture', () => {
    const m = mergeIndex([entry('darknet-tiny', undefined, 'unknown'), entry('alexnet'), entry('squeezenet1_1'), entry('vgg16')], [entry('squeezenet1_1-caffe', 'e', 'squeezenet1_1')]);
    expect(m.map((e) => e.id)).toEqual(['vgg16', 'alexnet', 'squeezenet1_1', 'squeezenet1_1-caffe', 'darknet-tiny']);
  });
  it('an installed model with the embedded id wins; nothing is listed twice', () => {
    const m = mergeIndex([entry('squeezenet1_1-caffe')], [entry('squeezenet1_1-caffe', 'embedded/x')]);
    expect(m).toHaveLength(1);
    expect(m[0]!.url).toBe('models/squeezenet1_1-caffe/model.json');
  });
  it('serves the embedded default alone when nothing is installed', () => {
    expect(mergeIndex([], [entry('e')]).map((e) => e.id)).toEqual(['e']);
  });
});
