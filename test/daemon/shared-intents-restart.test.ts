/**
 * Issue 12: the REAL daemon process is killed with SIGKILL at random moments during a rollout of
 * 20 reinstalls and restarted each time on an EMPTY state directory (a lost disk, a new host): no
 * journal, no clone, no cache. Nothing is posted twice and no status is lost, because what its
 * predecessor meant to post is in the shared record of intent (status/intents/ in git). The test:
 * kill-rollout.ts.
 */
import { describeKillRollout } from './kill-rollout.js';

describeKillRollout({
  describe: 'the daemon process under SIGKILL, restarted on an empty state directory',
  kills: 6,
  schedule: 'schedule: "* * * * * *"\n', // a full cycle every second
  loseStateDir: true,
  // An empty state directory: the clone is made again first.
  strikeWithinMs: 20_000,
  randomDelayMs: { min: 1_500, span: 4_500 },
  rolloutTimeoutMs: 120_000,
  testTimeoutMs: 300_000,
});
