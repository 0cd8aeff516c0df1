import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'public/**', '.cache/**', 'test-results/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    // React never touches TF.js: tensors live in src/ml and the workers (STYLE.md, "rooms and doors").
    // Boundaries are by folder: src/ml/core is TF.js-free and may be imported anywhere; the other
    // src/ml folders only for types, and screens (src/features) never reach into src/ml/runtime.
    files: ['src/features/**', 'src/state/**', 'src/viz/**', 'src/lib/**', 'src/App.tsx', 'src/main.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@tensorflow/*'], message: 'Only src/ml and src/worker import TF.js; send work to the worker.' },
            { group: ['**/ml/convert/**', '**/ml/runtime/**', '**/ml/saliency/**', '**/ml/training/**'], message: 'UI code imports these src/ml folders only for types (import type).', allowTypeImports: true },
          ],
        },
      ],
    },
  },
  {
    files: ['src/features/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@tensorflow/*'], message: 'Only src/ml and src/worker import TF.js; send work to the worker.' },
            { group: ['**/ml/runtime/**'], message: 'Screens never import src/ml/runtime, not even types: take them from the worker protocol.' },
            { group: ['**/ml/convert/**', '**/ml/saliency/**', '**/ml/training/**'], message: 'UI code imports these src/ml folders only for types (import type).', allowTypeImports: true },
          ],
        },
      ],
    },
  },
  {
    // src/ml/core is imported by the page: no TF.js at run time there.
    files: ['src/ml/core/**'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['@tensorflow/*', '../convert/**', '../runtime/**', '../saliency/**', '../training/**'], message: 'src/ml/core stays TF.js-free (types only).', allowTypeImports: true }, { group: ['react', 'react-dom', 'zustand', 'recharts', '**/features/**', '**/state/**', '**/worker/**'], message: 'src/ml is pure TF.js.' }] }] },
  },
  {
    // src/ml stays free of UI and of the worker.
    files: ['src/ml/**'],
    ignores: ['src/ml/core/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['react', 'react-dom', 'zustand', 'recharts', '**/features/**', '**/state/**', '**/worker/**'], message: 'src/ml is pure TF.js.' }] }] },
  },
);
