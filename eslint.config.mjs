// @ts-check
// Type-aware lint for the TypeScript tree. The rule set is small on purpose: each rule below
// catches a bug class this code has had or can easily have (a promise nobody awaits, a
// promise handed to a callback that ignores it, dead code), so a finding is worth fixing.
import tseslint from 'typescript-eslint';

// node:test's test()/describe()/it() return promises the runner itself tracks; awaiting
// them at the top level of a spec would serialize nothing and only add noise.
const nodeTestCalls = {
  from: /** @type {const} */ ('package'),
  package: 'node:test',
  name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'bench/results/**', '.scratch/**'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-control-regex': 'error',
      'no-debugger': 'error',
      'no-var': 'error',
      'prefer-const': 'error',
      eqeqeq: ['error', 'smart'],
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [nodeTestCalls] }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Files with decorators are left alone by this rule when emitDecoratorMetadata is on,
      // so it cannot turn a Nest injection token into a type-only import.
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unsafe-function-type': 'error',
      '@typescript-eslint/no-duplicate-enum-values': 'error',
      // Not no-base-to-string: every finding was String() of parsed JSON or query input typed
      // unknown, where an object either cannot occur or only makes a worse error message.
      // Not no-unnecessary-type-assertion: its automatic fix dropped an assertion the compiler
      // needed (an OpenAPI operation widened with the x-error-codes extension) and broke the build.
    },
  },
  {
    // The scripts and benchmarks are plain ES modules run by node; they get the rules that need no types.
    files: ['**/*.{mjs,cjs,js}'],
    rules: {
      'no-control-regex': 'error',
      'no-debugger': 'error',
      'no-var': 'error',
      'prefer-const': 'error',
      eqeqeq: ['error', 'smart'],
      'no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
);
