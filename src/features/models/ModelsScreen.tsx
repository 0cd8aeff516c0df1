/** The advanced page: installed models, opening one from disk or a URL, metadata, a quick classification. */
import { ClassifyPanel } from '../classify/ClassifyPanel';
import { ModelPanel } from './ModelPanel';

export function ModelsScreen() {
  return (
    <div className="columns">
      <ModelPanel />
      <ClassifyPanel />
    </div>
  );
}
