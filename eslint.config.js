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
    // React never touches TF.js: tensors live in src/ml and the worker (STYLE.md, "rooms and doors").
    files: ['src/features/**', 'src/state/**', 'src/viz/**', 'src/lib/**', 'src/App.tsx', 'src/main.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@tensorflow/*'], message: 'Only src/ml and src/worker import TF.js; send work to the worker.' },
            // src/ml/core has no TF.js at run time and is safe in the page bundle; the rest only for types.
            { group: ['**/ml/convert/**', '**/ml/runtime/**', '**/ml/saliency/**', '**/ml/training/**'], message: 'UI code imports src/ml only for types (import type).', allowTypeImports: true },
          ],
        },
      ],
    },
  },
  {
    // src/ml stays free of UI and of the worker.
    files: ['src/ml/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['react', 'react-dom', 'zustand', 'recharts', '**/features/*', '**/state/*', '**/worker/*'], message: 'src/ml is pure TF.js.' }] }] },
  },
);
