// The import rules of the architecture ("Who may import whom"), checked by dependency-cruiser
// on every lint run, so a layer boundary is kept by a tool rather than by review.
// Paths are resolved through tsconfig.json, so `@switchboard/core` and a relative
// `../../libs/core/src/...` land on the same file and are judged alike.

// Test code: unit specs next to their source, their fixtures and test-support helpers, the
// e2e/integration suites and the simulators' own test toolkit.
const TEST =
  '(\\.spec\\.ts$|\\.e2e-spec\\.ts$|\\.test-support\\.ts$|/__fixtures__/|^test/|^libs/simulators/src/testing/)';
const LIBS = '^libs/(core|providers|simulators|vendor-docs)/';
// A library's public entry points: its index and, for the multi-folder libraries, each
// folder's index (providers/<vendor>, simulators/<vendor>, simulators/testing).
const LIB_ENTRY = '^libs/(core|providers|simulators)/src/(index|[^/]+/index)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'Import cycles make load order matter and hide a missing module boundary. A cycle made only ' +
        'of type imports is erased at compile time, so it is allowed.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'core-imports-nothing-of-ours',
      comment: 'libs/core is the normalized domain everything else depends on; it depends on nothing of ours.',
      severity: 'error',
      from: { path: '^libs/core/' },
      to: { path: '^(src|test|bench|libs/(providers|simulators|vendor-docs))/' },
    },
    {
      name: 'core-no-framework-or-io',
      comment: 'libs/core holds pure types and rules: no NestJS, no database, HTTP, Redis or file system.',
      severity: 'error',
      from: { path: '^libs/core/', pathNot: TEST },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'core'],
        path: '(^|/)node_modules/(@nestjs|typeorm|pg|@electric-sql|axios|undici|ioredis|fastify|@fastify|nestjs-pino|pino)(/|$)|^(node:)?(fs|net|http|https|http2|dgram|child_process|dns|tls|cluster|worker_threads)(/|$)',
      },
    },
    {
      name: 'libs-never-import-src',
      comment: 'Nothing in libs/ imports the app: src/ composes everything.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^(src|test|bench)/' },
    },
    {
      name: 'providers-only-core',
      comment:
        'Adapters build on libs/core only; the simulators and the vendor examples are for their tests ' +
        '(see providers-tests-may-use-simulators).',
      severity: 'error',
      from: { path: '^libs/providers/', pathNot: TEST },
      to: { path: '^libs/(simulators|vendor-docs)/' },
    },
    {
      name: 'provider-vendor-isolation',
      comment:
        "A vendor's adapter imports libs/core, libs/providers/common and its own folder, never another vendor's.",
      severity: 'error',
      from: { path: '^libs/providers/src/([^/]+)/', pathNot: '^libs/providers/src/common/' },
      to: { path: '^libs/providers/src/[^/]+/', pathNot: ['^libs/providers/src/$1/', '^libs/providers/src/common/'] },
    },
    {
      name: 'providers-common-is-vendor-neutral',
      comment:
        'Shared adapter helpers cannot depend on a vendor, or every vendor would depend on that one. Test ' +
        "exception: common's own specs may run a shared helper through the vendors' mappers that use it.",
      severity: 'error',
      from: { path: '^libs/providers/src/common/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^libs/providers/src/[^/]+/', pathNot: '^libs/providers/src/common/' },
    },
    {
      name: 'simulators-independent-of-adapters',
      comment:
        'A simulator is written from the vendor facts (docs/vendors/) alone so it cannot share an adapter mistake: no ' +
        'libs/providers, and no libs/core either (its vendor-neutral types would shape the wire format).',
      severity: 'error',
      from: { path: '^libs/simulators/' },
      to: { path: '^libs/(providers|core)/' },
    },
    {
      name: 'simulator-vendor-isolation',
      comment:
        'A simulator shares only the generic helpers in libs/simulators/common (and testing), never another vendor.',
      severity: 'error',
      from: { path: '^libs/simulators/src/([^/]+)/' },
      to: {
        path: '^libs/simulators/src/[^/]+/',
        pathNot: ['^libs/simulators/src/$1/', '^libs/simulators/src/(common|testing)/'],
      },
    },
    {
      name: 'vendor-docs-are-data',
      comment: 'The vendor examples are data only and import nothing of ours.',
      severity: 'error',
      from: { path: '^libs/vendor-docs/' },
      to: { path: '^(src|test|bench|libs)/', pathNot: '^libs/vendor-docs/' },
    },
    {
      name: 'app-uses-lib-entry-points',
      comment:
        "src/ reaches a library through its package entry (`@switchboard/core`), not a deep path into its files, so each library's index is its whole public surface.",
      severity: 'error',
      from: { path: '^src/', pathNot: TEST },
      to: { path: LIBS, pathNot: '^libs/(core|providers|simulators)/src/index\\.ts$' },
    },
    {
      name: 'tests-use-lib-entry-points',
      comment:
        "Test exception: tests may also import a library folder's own index (a simulator's vendor entry, " +
        'the simulators testing kit) and the vendor examples, but never a file deep inside a library.',
      severity: 'error',
      from: { path: TEST, pathNot: '^libs/' },
      to: { path: LIBS, pathNot: [LIB_ENTRY, '^libs/vendor-docs/src/[^/]+\\.examples\\.ts$'] },
    },
    {
      name: 'providers-tests-may-use-simulators',
      comment:
        "Test exception: an adapter's specs and fixtures run against its vendor's simulator and compare with the " +
        "vendor's documented examples, through entry points only.",
      severity: 'error',
      from: { path: `^libs/providers/.*${TEST}` },
      to: {
        path: '^libs/(simulators|vendor-docs)/',
        pathNot: ['^libs/simulators/src/(index|[^/]+/index)\\.ts$', '^libs/vendor-docs/src/[^/]+\\.examples\\.ts$'],
      },
    },
    {
      name: 'runtime-not-importing-tests',
      comment: 'Shipped code never imports a spec, a fixture, test support or the test/ tree.',
      severity: 'error',
      from: { path: '^(src|libs)/', pathNot: TEST },
      to: { path: TEST },
    },
    {
      name: 'runtime-no-dev-dependencies',
      comment:
        'Shipped code (src/, libs/ outside tests) runs after `npm ci --omit=dev`, so it cannot import a devDependency.',
      severity: 'error',
      from: { path: '^(src|libs)/', pathNot: TEST },
      to: { dependencyTypes: ['npm-dev'] },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'An import that resolves to nothing fails at run time; catch it here. The benchmarks drive the ' +
        'built gateway in dist/, which need not exist when the linters run.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^(\\.\\./)*dist/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|coverage|data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
