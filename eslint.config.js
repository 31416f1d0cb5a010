import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'release', 'test-results', 'build', '.tmp'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
  },
  {
    // The engine is sans-IO: it runs in Node and in the renderer, so it imports only itself.
    files: ['src-main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'The engine imports no node: module.' },
            {
              group: ['../*', '!./*'],
              message: 'The engine imports nothing outside src-main/engine.',
            },
          ],
          paths: [
            'fs',
            'net',
            'tls',
            'http',
            'https',
            'os',
            'path',
            'child_process',
            'electron',
            'buffer',
          ].map((name) => ({ name, message: 'The engine imports no Node or Electron module.' })),
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'Buffer', message: 'Use Uint8Array in the engine.' },
        'process',
        'require',
      ],
    },
  },
  {
    // The renderer runs in a sandboxed page: no Node modules.
    files: ['src-renderer/**/*.{ts,svelte}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'The renderer imports no node: module.' },
            {
              group: ['**/capture/*', '**/host/*'],
              message: 'The renderer imports only engine and protocol.',
            },
          ],
        },
      ],
    },
  },
);
