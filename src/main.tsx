/** Entry point: mounts the app and exposes the documented test hooks on window.transferlens. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { simulateSaliencyDeviceLoss } from './state/saliencyActions';
import { simulateDeviceLoss, trainingBackend } from './state/transferActions';
import './styles.css';

// Test hooks for the browser tests (and curious students): lose the training GPU on purpose.
(window as unknown as { transferlens: object }).transferlens = { simulateDeviceLoss, trainingBackend, simulateSaliencyDeviceLoss };

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
