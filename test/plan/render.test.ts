import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/plan/make-plan.js';
import { PLAN_SCHEMA } from '../../src/plan/plan-schema.js';
import { renderPlanJson } from '../../src/plan/render/render-json.js';
import { MARKDOWN_LIMIT, renderPlanMarkdown } from '../../src/plan/render/render-markdown.js';
import { renderPlanText } from '../../src/plan/render/render-text.js';
import type { Plan } from '../../src/plan/types.js';
import { generateFleet, input, observed, policy, record, spec } from './helpers.js';

const addFormats = addFormatsModule.default;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv, ['date-time']);
const validate = ajv.compile(PLAN_SCHEMA);

function mixedPlan(): Plan {
  const specs = [
    spec('a.eu', { operatingSystem: 'rocky9_64' }),
    spec('b.eu'),
    spec('c.eu', { operatingSystem: 'rocky9_64' }),
  ];
  return makePlan(
    input({
      specs,
      invalid: [
        {
          file: 'servers/bad.yaml',
          diagnostics: [
            {
              file: 'servers/bad.yaml',
              line: 3,
              column: 5,
              severity: 'error',
              code: 'usage',
              message: 'bad | pipe',
            },
          ],
        },
      ],
      observed: new Map([
        ['a.eu', observed()],
        ['b.eu', observed()],
        ['c.eu', observed()],
      ]),
      applied: new Map([
        ['a.eu', record('a.eu', spec('a.eu'))],
        ['gone.eu', record('gone.eu', spec('gone.eu'))],
      ]),
      policy: policy({ maxConcurrent: 1 }),
      diagnostics: [
        { file: 'servers/bad.yaml', line: 3, column: 5, severity: 'error', code: 'usage', message: 'bad' },
      ],
    }),
  );
}

describe('renderers', () => {
  it.each([
    ['a mixed plan', mixedPlan()],
    ['a generated fleet', makePlan(generateFleet(7, 300))],
    ['an empty plan', makePlan(input())],
  ])('JSON of %s matches PLAN_SCHEMA', (_name, plan) => {
    const ok = validate(JSON.parse(renderPlanJson(plan)));

    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('text shows symbols, erasures in plain words and a summary; colour only when asked', () => {
    const plan = mixedPlan();

    const plain = renderPlanText(plan, { color: false });
    const colored = renderPlanText(plan, { color: true });

    expect(plain).toContain('-/+ a.eu (servers/a.eu.yaml)');
    expect(plain).toContain('… c.eu');
    expect(plain).toContain('! servers/bad.yaml');
    expect(plain).toContain('warning: erases disk group 1: 2 X Disk SSD 480 GB, JBOD');
    expect(plain).toContain(
      'Plan: 1 to reinstall, 1 to adopt, 0 to follow, 1 deferred, 1 invalid, 1 unchanged.',
    );
    expect(plain).not.toContain('\u001b[');
    expect(colored).toContain('\u001b[');
  });

  it('markdown has the summary table, the reinstall section, details and the hash', () => {
    const plan = mixedPlan();

    const md = renderPlanMarkdown(plan);

    expect(md).toContain('| `-/+` reinstall | 1 |');
    expect(md).toContain('#### `-/+` a.eu');
    expect(md).toContain('> **warning**: erases disk group 1: 2 X Disk SSD 480 GB, JBOD');
    expect(md).toContain('<details><summary>1 server(s) need nothing</summary>');
    expect(md).toContain('bad \\| pipe');
    expect(md).toContain(plan.planHash);
  });

  it('markdown of 10,000 servers stays under 60,000 characters and never cuts a table', () => {
    const fleet = generateFleet(3, 10_000);
    const plan = makePlan({ ...fleet, policy: policy({ maxConcurrent: 10_000, maxPerHour: 10_000 }) });

    const md = renderPlanMarkdown(plan);

    expect(plan.summary.reinstall).toBeGreaterThan(1000);
    expect(md.length).toBeLessThan(MARKDOWN_LIMIT);
    expect(md).toMatch(/and \d+ more reinstall section/);
    expect(md).toContain(plan.planHash);
    // Every table row is complete: a line that starts with | ends with |.
    for (const line of md.split('\n').filter((l) => l.startsWith('|'))) expect(line.endsWith('|')).toBe(true);
    expect(md.trimEnd().endsWith('`')).toBe(true);
  });
});
