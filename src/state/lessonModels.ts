/** Which installed model a lesson starts on (the smallest that serves it), and the course's own model for it. */
import type { ModelIndexEntry } from './slices/models';

export type Lesson = 'saliency' | 'transfer';
const COURSE_ARCH: Record<Lesson, { arch: string; name: string }> = { saliency: { arch: 'vgg16', name: 'VGG16' }, transfer: { arch: 'alexnet', name: 'AlexNet' } };
/** Architectures with the metadata both lessons need (converted by us); other TF.js models are for the Models page. */
const KNOWN = new Set(['vgg16', 'alexnet', 'squeezenet1_1']);

export function lessonModel(index: ModelIndexEntry[], lesson: Lesson): { start: ModelIndexEntry | null; course: ModelIndexEntry | null; courseArch: string; courseName: string } {
  const known = index.filter((m) => KNOWN.has(m.arch));
  const start = [...known].sort((a, b) => a.bytes - b.bytes)[0] ?? index[0] ?? null;
  const course = index.find((m) => m.arch === COURSE_ARCH[lesson].arch) ?? null;
  return { start, course, courseArch: COURSE_ARCH[lesson].arch, courseName: COURSE_ARCH[lesson].name };
}
