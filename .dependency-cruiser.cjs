/* global module -- read by dependency-cruiser as CommonJS */
/**
 * The layers of src/, declared once, and the rules `npm run lint:layers` (dependency-cruiser)
 * checks in CI: a folder imports only the folders BELOW it in STAGES, no top-level folder is in an
 * import cycle, and the simulator stands apart. Type-only imports count (tsPreCompilationDeps):
 * a type shared across folders is coupling too. ARCHITECTURE.md, "Layers", explains the order.
 */

/**
 * The top-level folders of src/, low → high. Mostly the pipeline's order (fetch → load →
 * validate → observe → plan → apply → record), except where the code shows which side declares
 * what the other uses:
 * - core: clock, errors, diagnostics, logger, input guards, the registry of codes. Imports nothing.
 * - config: credentials, endpoints, daemon configuration, and the checks of configured git remotes
 *   and refs (git-remote.ts; git/ uses them too).
 * - forge: the GitHub and GitLab commit-status APIs (one port, two adapters) and the forge named by
 *   a remote URL. Imports only core and config.
 * - ovh: the OvhApi port and its adapter; the API's types.
 * - specs: reading the fleet repository into typed specs (uses the API's types).
 * - validate: schemas and catalog checks over specs.
 * - verify: health checks after a reinstall (probes, the loopback guard, the pure verdict
 *   machine). Reads the policy types of specs; below records, plan and daemon, which keep, show
 *   and drive its state.
 * - records: the status record format and reading `status/` (what plan, apply and status share).
 * - plan: the pure planner, its types (Plan, Observation), digest, policy, renderers.
 * - observe: the I/O in front of the planner: the API, cached, and readPlanInput. Above plan
 *   because it fills the planner's own input types and asks decide.ts what each server needs.
 * - apply: the executor. It declares the ports it needs (IntentClaimer) and git/ implements them.
 * - status: building status records from a plan and its outcomes, FLEET.md.
 * - git: the adapter over the fleet repository. Above what it serves: it implements ports of
 *   apply (IntentClaimer) and plan (RecordHistory), and knows the record formats.
 * - pipeline: the cycle's step functions, composed by daemon and cli.
 * - notify: notifications (events of status transitions, the durable outbox, the webhook and
 *   Slack sinks). Reads the record formats and the apply's atomic files; only the daemon drives it.
 * - daemon, then the shells: import (a pure command), demo (receives the CLI commands it shows
 *   from cli/demo-command.ts), cli (the composition root of the command line), bench.
 * src/sim is not a stage: the simulator stands apart (SIM_MAY_IMPORT) and only the shells that
 * start it (SIM_USERS) import it.
 */
const STAGES = [
  'core',
  'config',
  'forge',
  'ovh',
  'specs',
  'validate',
  'verify',
  'records',
  'plan',
  'observe',
  'apply',
  'status',
  'git',
  'pipeline',
  'notify',
  'daemon',
  'import',
  'demo',
  'cli',
  'bench',
];

/** What the simulator may import: it models the OVHcloud API, so it shares the API's types. */
const SIM_MAY_IMPORT = ['core', 'config', 'ovh'];

/** The only folders that start the simulator. */
const SIM_USERS = ['demo', 'cli', 'bench'];

const folders = (names) => `^src/(${names.join('|')})/`;

/** One rule per stage: nothing above it. */
const upwardRules = STAGES.slice(0, -1).map((stage, i) => ({
  name: `layers-${stage}-imports-only-below`,
  comment: `src/${stage} may import only the stages below it (${STAGES.slice(0, i).join(', ') || 'none'}); see .dependency-cruiser.cjs STAGES`,
  severity: 'error',
  from: { path: folders([stage]) },
  to: { path: folders(STAGES.slice(i + 1)) },
}));

module.exports = {
  forbidden: [
    ...upwardRules,
    {
      name: 'layers-no-folder-cycle',
      comment: 'no import cycle between the top-level folders of src/',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/[^/]+$' },
      to: { circular: true },
    },
    {
      name: 'layers-sim-stands-apart',
      comment: `src/sim may import only ${SIM_MAY_IMPORT.join(', ')}`,
      severity: 'error',
      from: { path: folders(['sim']) },
      to: { path: '^src/', pathNot: folders(['sim', ...SIM_MAY_IMPORT]) },
    },
    {
      name: 'layers-sim-users',
      comment: `only ${SIM_USERS.join(', ')} start the simulator`,
      severity: 'error',
      from: { path: '^src/', pathNot: folders(['sim', ...SIM_USERS]) },
      to: { path: folders(['sim']) },
    },
    {
      name: 'layers-undeclared-folder',
      comment: 'every folder of src/ has its place in STAGES (or is src/sim)',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/', pathNot: folders([...STAGES, 'sim']) },
    },
    {
      name: 'layers-undeclared-folder-imports',
      comment: 'every folder of src/ has its place in STAGES (or is src/sim)',
      severity: 'error',
      from: { path: '^src/', pathNot: folders([...STAGES, 'sim']) },
      to: {},
    },
  ],
  options: {
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
