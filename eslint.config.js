// ESLint: typescript-eslint's recommended rules with type information, React's hook rules, and the
// import boundaries that keep features apart (see "Where things are" in the README).
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// visx and the charts built on it load only with the pages that lazy-load them (/ops, a reader's
// statistics), never in the main bundle: only those features import them.
const CHARTS = {
  group: ['@visx/*', '@/components/charts/*'],
  message: 'charts (visx) belong to lazily loaded features (ops, presence-stats), so that the main bundle has none',
};

const FEATURES = ['readers', 'presence', 'auth', 'favourites', 'hours', 'applications', 'ops', 'presence-stats', 'readings'];

/** Every other feature and the app's wiring: what a self-contained feature may not import. */
const allButItself = (feature) => [...FEATURES.filter((other) => other !== feature).map((other) => `@/features/${other}/*`), '@/app/*'];

/** Imports a folder may not make: `from` (glob) may not import `patterns`, with the reason; nor charts unless `charts` is set. */
function boundary(files, patterns, message, { charts = false } = {}) {
  return { files, rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }, ...(charts ? [] : [CHARTS])] }] } };
}

export default tseslint.config(
  { ignores: ['dist', 'node_modules', '.e2e', '.local-stack', 'bench/results', 'supabase'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
  { files: ['src/**/*.{ts,tsx}'], extends: [reactHooks.configs.flat['recommended-latest']] },
  // Playwright reads a fixture's dependencies from its first parameter, which must be an object pattern: {} is "none".
  { files: ['e2e/**'], rules: { 'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }] } },
  { files: ['src/**/*.{ts,tsx}'], rules: { 'no-restricted-imports': ['error', { patterns: [CHARTS] }] } },
  // Shared code knows no feature and no app wiring; a feature knows no other feature and no wiring.
  boundary(
    ['src/lib/**', 'src/hooks/**', 'src/components/**', 'src/config/**'],
    ['@/features/*', '@/app/*'],
    'shared code must not depend on a feature or on the app',
  ),
  boundary(['src/components/charts/**'], ['@/features/*', '@/app/*'], 'shared code must not depend on a feature or on the app', { charts: true }),
  boundary(
    ['src/features/readers/**'],
    ['@/features/presence/*', '@/features/auth/*', '@/features/favourites/*', '@/features/hours/*', '@/app/*'],
    'readers use shared presence display (src/components/presence, src/lib), not another feature',
  ),
  boundary(['src/features/presence/**'], ['@/features/readers/*', '@/features/auth/*', '@/app/*'], 'presence must not depend on another feature or on the app'),
  boundary(
    ['src/features/favourites/**'],
    ['@/features/readers/*', '@/features/presence/*', '@/features/auth/*', '@/app/*'],
    'favourites must not depend on another feature or on the app: the app puts the star on the readers pages',
  ),
  boundary(
    ['src/features/hours/**'],
    ['@/features/readers/*', '@/features/presence/*', '@/features/auth/*', '@/features/favourites/*', '@/app/*'],
    'hours must not depend on another feature or on the app: the app puts the editor on the profile page',
  ),
  boundary(
    ['src/features/readings/**'],
    allButItself('readings'),
    'readings must not depend on another feature or on the app: the app puts the Video button, the ring and the room in place',
  ),
  boundary(['src/features/auth/**'], ['@/features/readers/*', '@/features/presence/*', '@/app/*'], 'auth must not depend on another feature or on the app'),
  boundary(
    ['src/features/applications/**'],
    ['@/features/readers/*', '@/features/presence/*', '@/features/auth/*', '@/features/favourites/*', '@/features/hours/*', '@/app/*'],
    'applications must not depend on another feature or on the app: the app puts the panel on the profile page',
  ),
  boundary(
    ['src/features/ops/**'],
    allButItself('ops'),
    'ops must not depend on another feature or on the app: the app checks who is an admin and lazy-loads the dashboard at /ops',
    { charts: true },
  ),
  boundary(
    ['src/features/presence-stats/**'],
    allButItself('presence-stats'),
    'presence statistics must not depend on another feature or on the app: the app puts the panel on /profile and on /ops',
    { charts: true },
  ),
);
