// Lint with import boundaries: the kernel imports no feature; features do not reach into each other.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'web/dist/**', 'data/**', 'coverage/**', 'web/src/api/schema.d.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-empty-object-type': 'off',
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use `as const` objects and unions.' }],
      // Secrets and ids come from node:crypto, never from Math.random (ASVS V11.5.1).
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use node:crypto.' }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'web/**/*.{ts,tsx}'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['src/kernel/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/crm/**', '**/privacy/**', '**/http/**', '**/cli/**'], message: 'The kernel imports no feature and no adapter.' }] },
      ],
    },
  },
  {
    files: ['src/crm/**/*.ts', 'src/privacy/**/*.ts', 'src/identity/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/http/**', '**/cli/**'], message: 'Use-cases do not import the HTTP or CLI adapters.' }] },
      ],
    },
  },
);
