/**
 * The house rules on imports (STYLE.md, "The shape of the house"), checked by `npm run lint` (and so by
 * `npm test`): each rule names the layer it keeps apart, and a broken one fails the run naming the importing
 * file, the imported file and the rule.
 *
 * Type-only imports (`import type`) count for every rule, cycles included: they vanish from the built code,
 * but they still tie a layer to another's internals (a route typed with a db row breaks with the schema), and
 * a type-only cycle is two modules that cannot be read, or changed, one without the other.
 */

/** The project's own code outside src/shared, as a path pattern (npm packages and Node built-ins are not). */
const PROJECT = '^(server|src|tests|scripts|bench|demo-app|build)/';

module.exports = {
  forbidden: [
    {
      name: 'shared-imports-nothing-of-the-project',
      comment:
        'src/shared is the contracts every side imports (HTTP schemas, the IPC contract): it must not depend on any side.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: PROJECT, pathNot: '^src/shared/' },
    },
    {
      name: 'renderer-imports-no-server-main-or-preload',
      comment:
        'The renderer is web code in a sandboxed window: it reaches the server over HTTP (its API client) and Electron through window.wrsauth, never by importing their code.',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { path: '^(server|src/main|src/preload)/' },
    },
    {
      name: 'server-imports-no-client-code',
      comment:
        'The server runs alone (Docker, the embedded utility process): it may share src/shared with the clients, nothing else of theirs.',
      severity: 'error',
      from: { path: '^server/' },
      to: { path: '^src/(main|preload|renderer)/' },
    },
    {
      name: 'preload-imports-only-shared',
      comment:
        'The preload is one small file exposing named, typed invoke wrappers: it may import the IPC contract (src/shared) and Electron, nothing else of the project.',
      severity: 'error',
      from: { path: '^src/preload/' },
      to: { path: PROJECT, pathNot: '^src/(shared|preload)/' },
    },
    {
      name: 'routes-reach-no-db-or-repositories',
      comment:
        "A route validates, calls a service and answers: the tables (server/db) and the repositories over them are the services' business, and routes see service types only.",
      severity: 'error',
      from: { path: '^server/routes/' },
      to: { path: '^server/(db|repositories)/' },
    },
    {
      name: 'no-circular-imports',
      comment:
        'This import closes a circle of modules (type-only imports included): break it by moving what both sides need into a module of its own.',
      severity: 'error',
      from: { path: PROJECT },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too (see the header).
    tsPreCompilationDeps: true,
  },
};
