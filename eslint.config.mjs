// ESLint flat config: typescript-eslint's type-aware rules, and a wall that keeps
// 'vscode' out of the pure core, the webviews and the shared protocol.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'esbuild.js', 'test-results/**', 'demo/**', 'bench/.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Type information, so a forgotten await or a promise passed where a callback belongs is an error.
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['src/shared/**/*.ts', 'src/webview/**/*.ts', 'src/cli.ts', 'src/cli/**/*.ts', 'test/unit/**/*.ts', 'test/faults/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'The core, the CLI and the webviews never import vscode.' }] }],
    },
  },
  {
    // The pure core depends on nothing above it: no vscode, no host, no webview, no CLI.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The core never imports vscode.' }],
        patterns: [{ group: ['**/host/**', '**/host', '**/webview/**', '**/cli/**', '**/cli', '**/extension'], message: 'The core imports nothing from host, webview or cli.' }],
      }],
    },
  },
  {
    // The host's pure models (src/host/model/) live under the same wall as the core: no vscode,
    // and nothing from the rest of the host (services, controllers), so they run in plain Node.
    files: ['src/host/model/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/host/model never imports vscode.' }],
        patterns: [
          { regex: '^\\.\\./(?!\\.\\./)', message: 'src/host/model imports nothing from the rest of the host (it would bring vscode with it).' },
          { group: ['**/webview/**', '**/cli/**', '**/cli', '**/extension'], message: 'src/host/model imports nothing from webview or cli.' },
        ],
      }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly',
        URL: 'readonly', URLSearchParams: 'readonly', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
  {
    // CommonJS on purpose: loaded by VS Code 1.93's server, which has no ESM entry.
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
