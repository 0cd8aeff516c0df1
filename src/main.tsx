/** Entry point: mounts the app and exposes the documented test hooks on window.transferlens. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { getClient } from './state/actions';
import { simulateSaliencyDeviceLoss } from './state/saliencyActions';
import { useStore } from './state/store';
import { simulateDeviceLoss, trainingBackend, trainMemory } from './state/transferActions';
import './styles.css';

/** Both workers' engine memory: { model: { numTensors, numBytes, backendBytes? }, train: … | null }. */
async function memory() {
  const [model, train] = await Promise.all([getClient().request<'memory'>({ type: 'memory' }), trainMemory()]);
  return { model, train };
}

// Test hooks for the browser tests (and curious students): lose a GPU on purpose, read memory.
/** The model worker throws where no request catches it: the app starts it again with the last model. */
const simulateModelWorkerCrash = () => getClient().request<'simulateCrash'>({ type: 'simulateCrash' });
(window as unknown as { transferlens: object }).transferlens = { simulateDeviceLoss, trainingBackend, simulateSaliencyDeviceLoss, simulateModelWorkerCrash, memory };

// Lecture mode scales every rem-sized thing: set on <html>, the root of rem, as the store changes
// (before React renders with it, so a component that measures the type size reads the new one).
const lectureRoot = (lecture: boolean) => (document.documentElement.dataset.lecture = String(lecture));
lectureRoot(useStore.getState().lecture);
useStore.subscribe((s, prev) => s.lecture !== prev.lecture && lectureRoot(s.lecture));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
