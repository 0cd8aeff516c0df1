/** The Models screen's quick classification of one image. */
import type { Prediction } from '../../ml/runtime/backbone';

export interface ClassifySlice {
  predictions: Prediction[] | null;
  classifyMs: number | null;
  classifyError: string | null;
  imageName: string | null;
  /** The image classified, shown beside its top-5 (an object URL; the previous one is revoked). */
  imageUrl: string | null;
  busy: boolean;
}

export const initialClassify = (): ClassifySlice => ({ predictions: null, classifyMs: null, classifyError: null, imageName: null, imageUrl: null, busy: false });
