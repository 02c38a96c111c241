import type { CodeTable } from './registry.js';

/** Codes of errors raised by the git layer (src/git): the fleet repository clone, status commits, signatures. */
export const GIT_CODES = {
  'git-url-invalid': {
    summary: 'The repository URL is not an ssh, https, file:// URL or a local path, or starts with "-".',
    action: 'Set repository.url to git@HOST:PATH, ssh://, https://, file:// or an absolute local path.',
    exitCode: 64,
    next: 'operator',
  },
  'git-ref-invalid': {
    summary: 'A branch or revision name has characters outside [A-Za-z0-9._/-] or starts with "-".',
    action: 'Use a plain branch name such as main or fleet/status.',
    exitCode: 64,
    next: 'operator',
  },
  'git-credential-unreadable': {
    summary: 'The ssh deploy key, known_hosts file, https token file or allowed_signers file cannot be read.',
    action: 'Check the path and the permissions of the file named in the message.',
    exitCode: 64,
    next: 'operator',
  },
  'git-dir-conflict': {
    summary: 'The clone directory exists but is not a clone of the configured repository.',
    action: 'Point the state directory elsewhere or remove the directory named in the message.',
    exitCode: 64,
    next: 'operator',
  },
  'git-branch-missing': {
    summary: 'The configured branch does not exist on the remote repository.',
    action: 'Push the branch, or correct repository.branch.',
    exitCode: 1,
    next: 'operator',
  },
  'git-path-refused': {
    summary: 'A status commit was asked to write a file outside status/ or through a symbolic link.',
    action: 'A bug in the caller: report it. ovh-fleet only ever writes under status/.',
    exitCode: 1,
    next: 'retry',
  },
  'git-push-rejected': {
    summary: 'The status commit could not be pushed: the remote kept moving or refused the push.',
    action:
      'Nothing is lost: the next cycle writes the status again. If it persists, check branch protection (or set status.branch) and the deploy key write access.',
    exitCode: 1,
    next: 'retry',
  },
  'git-timeout': {
    summary: 'A git command printed nothing for longer than the configured timeout and was stopped.',
    action: 'Check the network path to the git server; the next cycle retries.',
    exitCode: 1,
    next: 'retry',
  },
  'git-aborted': {
    summary: 'A git command was stopped because ovh-fleet is shutting down.',
    action: 'None: the next start continues from the remote state.',
    exitCode: 1,
    next: 'retry',
  },
  'git-command-failed': {
    summary: 'A git command failed (network, authentication, corrupt repository).',
    action: 'Read the git message included in the error; the next cycle retries.',
    exitCode: 1,
    next: 'retry',
  },
  'git-signature-invalid': {
    summary:
      'A commit that changes the fleet root outside status/ is not signed by a key in the allowed signers file.',
    action:
      'Sign the commit with an allowed key (git commit -S with gpg.format=ssh) or add the key to allowed_signers.',
    exitCode: 1,
    next: 'wait-for-commit',
  },
} as const satisfies CodeTable;
