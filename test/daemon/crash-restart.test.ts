/**
 * Issue 6: the REAL daemon process is killed with SIGKILL at random moments during a rollout of 20
 * reinstalls and restarted each time on the same state directory; nothing is posted twice and no
 * status is lost (the test: kill-rollout.ts).
 */
import { describeKillRollout } from './kill-rollout.js';

describeKillRollout({
  describe: 'the daemon process under SIGKILL',
  kills: 8,
  // A full cycle every second. The simulator's task list does not lag: an intent cut off by a
  // kill is settled after a second (test/apply/duplicate-post.test.ts covers a lagging list).
  schedule: 'schedule: "* * * * * *"\ntaskListSettleSeconds: 1\n',
  loseStateDir: false,
  strikeWithinMs: 6_000,
  randomDelayMs: { min: 300, span: 3_700 },
  // After the last restart the follower looks at a resumed task after 15 s (firstLookMs: no
  // task of the run was seen end yet), then at each wave's expected end: four waves of five.
  rolloutTimeoutMs: 120_000,
  testTimeoutMs: 300_000,
});
