/**
 * The direction of imports between the repository's parts (run by `npm run lint`):
 *   main.ts → pipeline/ → modules/ (the construct library) and contract/
 *   apps/ → contract/
 *   modules/ and contract/ → nothing of ours; inside modules/, a folder per data plane
 *   (app-mesh/, service-connect/) that imports neither the other nor anything that
 *   imports it: the neutral folders know no data plane
 *   scripts/ and __tests__/ may import everything; nothing imports them.
 * The library is reached by its package name, which tsconfig.json maps to modules/.
 */
const OURS = '^(modules|contract|pipeline|apps|scripts|__tests__)/|^main\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'library-imports-nothing-of-ours',
      comment: 'modules/ is a package of its own: what the pipeline knows reaches it as props, never as imports.',
      severity: 'error',
      from: { path: '^modules/' },
      to: { path: OURS, pathNot: '^modules/' },
    },
    {
      name: 'data-planes-stay-apart',
      comment: 'App Mesh and Service Connect each render the neutral service spec; neither knows the other.',
      severity: 'error',
      from: { path: '^modules/(app-mesh|service-connect)/' },
      to: { path: '^modules/(app-mesh|service-connect)/', pathNot: '^modules/$1/' },
    },
    {
      name: 'neutral-library-knows-no-data-plane',
      comment: 'What both data planes share (service/, retry/, ecs/, network/, iam/, scaling/, ...) imports neither data plane.',
      severity: 'error',
      from: { path: '^modules/', pathNot: '^modules/(app-mesh|service-connect|examples)/|^modules/index\\.ts$' },
      to: { path: '^modules/(app-mesh|service-connect)/' },
    },
    {
      name: 'contract-imports-nothing-of-ours',
      comment: 'contract/ holds values both sides agree on; it depends on neither side.',
      severity: 'error',
      from: { path: '^contract/' },
      to: { path: OURS, pathNot: '^contract/' },
    },
    {
      name: 'stack-imports-library-and-contract',
      comment: 'pipeline/ composes the library with the contract; it knows nothing of the apps.',
      severity: 'error',
      from: { path: '^pipeline/' },
      to: { path: OURS, pathNot: '^(pipeline|modules|contract)/' },
    },
    {
      name: 'apps-import-contract',
      comment: 'The services share values with the stack only through contract/.',
      severity: 'error',
      from: { path: '^apps/' },
      to: { path: OURS, pathNot: '^(apps|contract)/' },
    },
    {
      name: 'main-imports-the-stack',
      comment: 'main.ts only synthesizes the stack.',
      severity: 'error',
      from: { path: '^main\\.ts$' },
      to: { path: OURS, pathNot: '^(pipeline|modules)/' },
    },
    {
      name: 'nothing-imports-scripts-or-tests',
      comment: 'scripts/ and __tests__/ may use everything, but nothing depends on them.',
      severity: 'error',
      from: { pathNot: '^(scripts|__tests__)/' },
      to: { path: '^(scripts|__tests__)/' },
    },
    {
      name: 'no-unresolvable-imports',
      comment: 'An import the rules cannot resolve would escape them.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|cdktf\\.out|\\.tmp)/|^modules/lib/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['require', 'node', 'default', 'types'],
      extensions: ['.ts', '.d.ts', '.js', '.cjs', '.mjs', '.json'],
    },
  },
};
