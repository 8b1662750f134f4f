// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import llemRules from './eslint-rules/noLlemProfileLiterals.js';

/**
 * The process boundary, enforced: four parts, each with what it may import.
 *   main/, preload/ — Electron shell: the only code that may import `electron`.
 *   core/           — plain Node: no `electron`, no renderer, no DOM.
 *   contract/       — shared by UI and core: no Node built-ins, no `electron`, no core/renderer/shell.
 *   renderer/       — React UI: no Node built-ins, no `electron`, no core or shell; it reaches the machine only
 *                     through the typed API (contract/ + renderer/src/api).
 */
const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

const electronBan = { name: 'electron', message: 'Only the Electron shell (main/, preload/) may import electron.' };
const nodeBans = nodeBuiltins.map((name) => ({ name, message: `Node built-in "${name}" is not available here: this code runs in the UI (or is shared with it).` }));
const nodePatternBan = { group: ['node:*'], message: 'Node built-ins are not available here: this code runs in the UI (or is shared with it).' };

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'out/**', 'dist/**', 'coverage/**', 'test-results/**', 'playwright-report/**', '.cache/**', '.venv/**', '.gpu-bundle/**', 'scripts/gpu/.build-*/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['core/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan],
          patterns: [
            { group: ['**/renderer/**', '**/main/**', '**/preload/**'], message: 'The core must not depend on the UI or the Electron shell.' },
            { group: ['react', 'react-dom', '@mui/*', 'echarts'], message: 'The core has no UI code.' },
          ],
        },
      ],
    },
  },
  {
    // SQL lives in the store (core/store/**) and in domain store modules (core/<domain>/<name>Store.ts); API handlers,
    // CLI commands and domain logic call their functions (issue #18). `exec` is banned on a `db` only, so a
    // RegExp's exec stays allowed.
    files: ['core/**/*.{ts,tsx}'],
    ignores: ['core/store/**', 'core/**/*Store.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          "CallExpression[callee.property.name='prepare']",
          "CallExpression[callee.property.name='exec'][callee.object.name='db']",
          "CallExpression[callee.property.name='exec'][callee.object.property.name='db']",
        ].map((selector) => ({
          selector,
          message: 'SQL belongs in core/store/** or a domain store module named core/<domain>/<name>Store.ts: move the query there and call its function.',
        })),
      ],
    },
  },
  {
    files: ['contract/**/*.{ts,tsx}'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan, ...nodeBans],
          patterns: [
            nodePatternBan,
            { group: ['**/core/**', '**/renderer/**', '**/main/**', '**/preload/**', '../core', '../main', '../renderer', '../preload'], message: 'The contract depends on nothing but zod and itself.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan, ...nodeBans],
          patterns: [
            nodePatternBan,
            { group: ['**/core/**', '**/main/**', '**/preload/**'], message: 'The renderer reaches the machine only through the typed API (renderer/src/api).' },
          ],
        },
      ],
      // ECharts inserts a formatter's result as HTML, and chart data (model and GPU names) comes from imported
      // files: every formatter must be htmlTooltip(p => html`…`), which escapes each value (issue #15, finding 4).
      'no-restricted-syntax': [
        'error',
        ...["Property[key.name='formatter'][value.type!='CallExpression']", "Property[key.name='formatter'][value.type='CallExpression'][value.callee.name!='htmlTooltip']"].map(
          (selector) => ({
            selector,
            message:
              "A chart formatter's output is HTML: write it as htmlTooltip((p) => html`…`) (renderer/src/pages/results/charts/tooltipHtml.ts), or, for canvas text, disable this rule on the line and say so.",
          }),
        ),
      ],
    },
  },
  {
    // llem profile ids live in the profile/family folders and the one declaration (issue #18). Tests and
    // benchmarks name the profiles they exercise, like any other input.
    files: ['core/**/*.{ts,tsx}', 'contract/**/*.{ts,tsx}', 'renderer/**/*.{ts,tsx}', 'main/**/*.{ts,tsx}', 'preload/**/*.{ts,tsx}', 'scripts/**/*.{ts,mjs,js}'],
    ignores: ['core/llem/**', 'contract/llem/profiles.ts', 'contract/llem/formShape.ts', 'contract/llem/studyConfig.ts', 'contract/llem/pypi070/**'],
    plugins: { llem: llemRules },
    rules: { 'llem/no-profile-literals': 'error' },
  },
  {
    files: ['tests/**/*.{ts,tsx}', 'bench/**', 'scripts/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
