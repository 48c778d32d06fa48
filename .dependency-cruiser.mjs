// Layering, enforced in `make lint` (make layering). See README "Architecture":
//   catalog (imports nothing) <- services/kit <- services/<name> (exports contract.ts, which itself
//   imports only the catalog, the kit and other contracts)
//   charts-src, alerts, dashboards, load, tools: catalog, the kit, contract modules; never service internals
//   test/ and *.test.ts may import anything; shipped code never imports test code.
/** Test code: exempt as an importer. */
const TESTS = ['\\.test\\.ts$', '\\.bench\\.ts$', '^test/', '^bench/'];
const CONTRACT = '^services/[^/]+/contract\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'catalog-imports-nothing',
      comment: 'The catalog is plain data every layer (and k6) imports: it depends on nothing else.',
      severity: 'error',
      from: { path: '^catalog/', pathNot: TESTS },
      to: { pathNot: '^catalog/' },
    },
    {
      name: 'kit-imports-only-catalog',
      comment: 'The service kit is shared by every service: it knows the catalog, never a service.',
      severity: 'error',
      from: { path: '^services/kit/', pathNot: TESTS },
      to: { path: '^(services/(?!kit/)|charts-src/|alerts/|dashboards/|load/|tools/|test/|bench/)' },
    },
    {
      name: 'services-meet-only-through-contracts',
      comment:
        "A service reaches another over HTTP; it may import another service's contract.ts (wire schemas), never its internals.",
      severity: 'error',
      from: { path: '^services/([^/]+)/', pathNot: [...TESTS, '^services/kit/'] },
      to: { path: '^services/[^/]+/', pathNot: ['^services/$1/', '^services/kit/', CONTRACT] },
    },
    {
      name: 'contracts-hold-the-wire-contract-only',
      comment:
        "A contract module imports the catalog, the kit and other contracts, never a service's own internals: what a caller gets through it is the wire contract, so no model or store code can be re-exported to another service.",
      severity: 'error',
      from: { path: CONTRACT },
      to: { path: '^services/(?!kit/)[^/]+/', pathNot: CONTRACT },
    },
    {
      name: 'no-service-internals-outside-services',
      comment:
        'Charts, alerts, dashboards, load and tools use the catalog, the kit and contract modules only.',
      severity: 'error',
      from: { path: '^(charts-src|alerts|dashboards|load|tools)/', pathNot: TESTS },
      to: { path: '^services/(?!kit/)[^/]+/', pathNot: CONTRACT },
    },
    {
      name: 'shipped-code-imports-no-test-code',
      comment: 'Helpers and fixtures live under test/; nothing that ships may depend on them.',
      severity: 'error',
      from: { pathNot: TESTS },
      to: { path: TESTS },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|build|\\.run|\\.tmp|\\.venv)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
