/** Routing: each sink gets the events its filters let through (severity, reason, server label). */
import { describe, expect, it } from 'vitest';
import type { SinkFilters } from '../../src/config/notify-config.js';
import { haltEvent, serverEvent } from '../../src/notify/event.js';
import { matches } from '../../src/notify/routing.js';
import { commitOf, recordOf } from './helpers.js';

const labels: Record<string, Record<string, string>> = {
  'web1.example.net': { role: 'web', env: 'prod' },
  'db1.example.net': { role: 'db', env: 'prod' },
};
const labelsOf = (name: string): Record<string, string> | undefined => labels[name];
const context = { planHash: null, now: 0 };
const webReady = serverEvent(recordOf('web1.example.net', 'ready', commitOf(1)), context)!;
const dbFailed = serverEvent(
  recordOf('db1.example.net', 'failed', commitOf(1), {
    lastError: { code: 'reinstall-task-error', message: '', at: '' },
  }),
  context,
)!;
const halt = haltEvent({ cohort: null, servers: [] }, commitOf(2), context);
const all: SinkFilters = { severities: null, reasons: null, labels: null };

describe('routing', () => {
  it.each([
    ['no filter', all, [true, true, true]],
    ['errors only', { ...all, severities: ['error'] }, [false, true, true]],
    ['one reason', { ...all, reasons: ['rollout-halted'] }, [false, false, true]],
    ['a label (halts have no server and pass)', { ...all, labels: { role: 'web' } }, [true, false, true]],
    ['two labels', { ...all, labels: { role: 'db', env: 'prod' } }, [false, true, true]],
    [
      'errors of web servers',
      { ...all, severities: ['error'], labels: { role: 'web' } },
      [false, false, true],
    ],
  ] as [string, SinkFilters, boolean[]][])('%s', (_what, filters, expected) => {
    expect([webReady, dbFailed, halt].map((e) => matches(e, filters, labelsOf))).toEqual(expected);
  });
});
