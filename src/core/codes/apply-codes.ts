import type { CodeTable } from './registry.js';

/**
 * Codes of the executor (`ovh-fleet apply`, the daemon's apply step): why a reinstall was not
 * posted, how a posted one ended, and the refusals of the command itself. An outcome code is not
 * an error by itself: `exitCode` applies only when a command ends on it.
 */
export const APPLY_CODES = {
  'apply-confirmation-required': {
    summary:
      '`ovh-fleet apply` was run without --yes while the plan would reinstall servers: nothing was posted.',
    action:
      'Review the plan it printed, then run again with --yes (and --plan-hash to pin the reviewed plan).',
    exitCode: 64,
    next: 'operator',
  },
  'worktree-uncommitted': {
    summary:
      '`ovh-fleet apply` with signature verification found files of the fleet root that differ from HEAD (changed, untracked or ignored): no signature covers them, so nothing was applied.',
    action: 'Commit (signed) or discard the changes, then apply again.',
    exitCode: 1,
    next: 'operator',
  },
  'status-records-unverified': {
    summary:
      '`ovh-fleet apply` with signature verification found status records in git but none kept in its state directory: status commits are not signed, so an edited record (e.g. its lastApplied.digest) could plan a reinstall. Nothing was applied.',
    action:
      "Run apply with the daemon's state directory (stop the daemon first: they share its lock), whose trusted-records.json holds the records the daemon wrote; or let the daemon apply the change.",
    exitCode: 1,
    next: 'operator',
  },
  'plan-hash-mismatch': {
    summary: 'The plan computed now differs from the one reviewed (--plan-hash): nothing was posted.',
    action: 'Run `ovh-fleet plan` again, review the new plan and apply with its hash.',
    exitCode: 1,
    next: 'operator',
  },
  'state-dir-locked': {
    summary:
      'Another ovh-fleet apply or daemon holds the state directory (a kernel lock on <state-dir>/lock, released when that process ends, however it ends): nothing was done.',
    action:
      'Wait for it to end, or stop it (lock.owner names it). Never delete the lock file: the lock is freed by the kernel, there is no stale lock to clean up.',
    exitCode: 1,
    next: 'operator',
  },
  'state-lock-unavailable': {
    summary:
      'The state directory lock could not be taken because flock(1) (util-linux) is missing or failed: nothing was done.',
    action: 'Install util-linux (it provides flock; Debian and the node images have it) and run again.',
    exitCode: 1,
    next: 'operator',
  },
  'secret-missing': {
    summary:
      'A customization refers to a secret ({env: NAME}) that is set neither as the file $CREDENTIALS_DIRECTORY/NAME nor as an environment variable (or that file cannot be read): that server is not reinstalled.',
    action:
      'Set the variable in the environment of ovh-fleet (or its credentials directory) and apply again.',
    exitCode: 1,
    next: 'operator',
  },
  'spec-missing': {
    summary: 'The plan asks to reinstall a server whose spec was not given to the executor.',
    action: 'This is a bug in the caller of applyPlan; report it.',
    exitCode: 1,
    next: 'retry',
  },
  'preflight-server-missing': {
    summary: 'Right before posting, OVHcloud no longer knows the server: nothing was posted.',
    action: 'Check the serviceName and the account; remove the spec if the server was returned.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'preflight-server-state': {
    summary:
      'Right before posting, the server is not in state `ok` (error, hacked, hackedBlocked): nothing was posted.',
    action: "Resolve the server's state with OVHcloud support; the next run retries.",
    exitCode: 1,
    next: 'operator',
  },
  'preflight-os-incompatible': {
    summary:
      "Right before posting, the requested OS is no longer in the server's compatible templates: nothing was posted.",
    action: 'Choose an OS that `ovh-fleet templates --server SERVICE` lists.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'preflight-template-ended': {
    summary:
      'Right before posting, the requested template is past its endOfInstall date (or gone from the catalog): nothing was posted.',
    action: 'Move the spec to a newer template.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'reinstall-rejected': {
    summary: 'OVHcloud refused the reinstall request (the API error code says why): nothing runs.',
    action: 'Fix the spec as the API message says; the same digest is not posted again until it changes.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'reinstall-unconfirmed': {
    summary:
      "A reinstall request failed ambiguously (or an earlier run was interrupted before its answer) and the task list, which may lag, does not show a task for it yet: nothing is posted for the server until the list is settled (10 minutes after the request, OVHcloud's clock) or shows the task.",
    action:
      'Nothing; the next runs look at the task list again and either follow the task or post once the list is settled.',
    exitCode: 1,
    next: 'retry',
  },
  'task-adopted': {
    summary:
      'A reinstall task already ran on the server (TaskAlreadyExists, a crash, or a foreign task): it was adopted and followed instead of posting.',
    action: 'Nothing; the next plan decides whether the server still needs its own reinstall.',
    exitCode: 0,
    next: 'none',
  },
  'reinstall-started': {
    summary:
      'The reinstall was posted and its task runs; it was not followed to its end (apply without --wait).',
    action: 'Run `ovh-fleet apply --wait` or the daemon to follow it; `ovh-fleet status SERVICE` shows it.',
    exitCode: 0,
    next: 'none',
  },
  'reinstall-done': {
    summary: 'The reinstall task ended `done` and the server shows the requested OS.',
    action: 'Nothing to do.',
    exitCode: 0,
    next: 'none',
  },
  'reinstall-failed': {
    summary:
      "The reinstall task ended in customerError, ovhError or cancelled; OVHcloud's comment and the failed step say why. Counts for the circuit breaker.",
    action:
      'Read the message, fix the spec (storage, image, customizations) or bump reinstall.generation to retry.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'inconsistent-result': {
    summary:
      'The task ended `done` but the server shows another OS than the one requested (Terraform\'s "inconsistent result after apply"). Counts as a failure.',
    action: 'Check the server in the OVHcloud control panel; bump reinstall.generation to retry.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
  'task-stuck': {
    summary:
      'The reinstall task showed no progress for longer than the configured time; it is still followed, not abandoned.',
    action: 'Look at the task in the OVHcloud control panel; open a ticket if it does not move.',
    exitCode: 1,
    next: 'operator',
  },
  'task-timeout': {
    summary:
      'The reinstall task did not end within the overall timeout (default 2 hours): `apply --wait` records it as failed; the daemon keeps following it and reports it stuck (slow, not failed).',
    action: 'Look at the task in the OVHcloud control panel; the next run adopts it if it still runs.',
    exitCode: 1,
    next: 'operator',
  },
  'follow-interrupted': {
    summary:
      'Following stopped (Ctrl-C or shutdown) while the task still ran; OVHcloud goes on and a later run adopts it.',
    action: 'Run `ovh-fleet apply --wait` again or let the daemon follow it.',
    exitCode: 0,
    next: 'retry',
  },
  'journal-entry-corrupt': {
    summary:
      "An entry of the intent journal cannot be read. It is resolved from OVHcloud's task list and the status record: with no reinstall task since it was written, or one the status record holds, it is moved to intents/quarantine/ and reported once; otherwise it blocks its (server, digest) and the message names the task to check.",
    action:
      'While it blocks: check the task named in the message in the OVHcloud control panel (wait for a running one to end); once the outcome is known, move the file to intents/quarantine/ in the state directory (do not delete it). Quarantined files can be removed after review.',
    exitCode: 1,
    next: 'operator',
  },
  'intent-race-lost': {
    summary:
      'Another writer (a daemon, another `ovh-fleet apply`) moved the status branch between this plan and its intent commit: the shared intent was not recorded, so nothing was posted.',
    action:
      'Nothing: the daemon plans again at its next cycle; `ovh-fleet apply` plans again by itself (up to 3 times), then asks you to run it again.',
    exitCode: 1,
    next: 'retry',
  },
  'intent-pending-elsewhere': {
    summary:
      'Another writer recorded in git that it is about to reinstall this server, and OVHcloud shows no task of it yet: this writer does not post.',
    action:
      "Nothing: the other writer's task is followed once it appears. A marker whose task never appears stops holding the server 15 minutes after it was recorded.",
    exitCode: 0,
    next: 'retry',
  },
  'intent-push-refused': {
    summary:
      'The remote refused the commit of the shared intent (read-only deploy key, protected branch, hook): nothing was posted, because other writers could not see this reinstall.',
    action:
      'Give the deploy key (or your git user) write access to the status branch, or set a separate status branch that is not protected (daemon: status.branch; apply: --status-branch). `apply --no-record` exists for disposable test fleets only.',
    exitCode: 1,
    next: 'operator',
  },
  'apply-checkout-stale': {
    summary:
      '`ovh-fleet apply` records in git and applies what the remote branch holds, but the local checkout is at another commit: nothing was done.',
    action:
      'Pull (or push) so that your checkout equals the remote branch, review the plan again, then apply.',
    exitCode: 1,
    next: 'operator',
  },
} as const satisfies CodeTable;

/** A code of the executor's outcomes and refusals. */
export type ApplyCode = keyof typeof APPLY_CODES;
