/**
 * Canaries, what the others wait for, and halts in every rendering of the plan: the halt line
 * comes first (text and markdown), and the JSON document stays valid against PLAN_SCHEMA.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/plan/make-plan.js';
import { PLAN_SCHEMA } from '../../src/plan/plan-schema.js';
import { renderPlanJson } from '../../src/plan/render/render-json.js';
import { renderPlanMarkdown } from '../../src/plan/render/render-markdown.js';
import { renderPlanText } from '../../src/plan/render/render-text.js';
import { fleetOf, many } from './cohort-fixtures.js';

const addFormats = addFormatsModule.default;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv, ['date-time']);
const validate = ajv.compile(PLAN_SCHEMA);

// Cohort advance: a canary and three waiting; cohort scale: halted by an unhealthy server.
const plan = makePlan(
  fleetOf(
    [
      ...many('a', 4, 'candidate'),
      { name: 'b00', kind: 'unhealthy', range: 'scale' },
      ...many('b', 2, 'candidate', { range: 'scale' }),
    ],
    { canary: { count: 1 } },
  ),
);

describe('canaries and halts in the plan renderings', () => {
  it('text: the halt line first, then the cohorts, the canary tag and what the others wait for', () => {
    const text = renderPlanText(plan);
    const lines = text.split('\n');

    expect(lines[2]).toMatch(/^ROLLOUT HALTED: cohort debian12_64\/scale halted: 1 unhealthy server/);
    expect(lines[3]).toMatch(
      /^ {2}to accept these servers as they are, add to fleet.yaml acknowledge.verification: b00@sha256:/,
    );
    expect(text).toContain(
      'Cohorts:\n  debian12_64/advance: 4 server(s), 4 want a reinstall, canaries; canaries a01; the others wait for a01',
    );
    expect(text).toContain('-/+ a01 (canary) (servers/a01.yaml)');
    expect(text).toContain('      waits for a01\n');
    expect(text.indexOf('ROLLOUT HALTED')).toBeLessThan(text.indexOf('will be reinstalled'));
  });

  it('markdown: the halt as a quote right under the title, cohorts, canary tags and waits', () => {
    const md = renderPlanMarkdown(plan);

    expect(md.startsWith('## ovh-fleet plan\n\n> **ROLLOUT HALTED: cohort debian12_64/scale halted')).toBe(
      true,
    );
    expect(md).toContain('### Cohorts');
    expect(md).toContain('#### `-/+` a01 (canary)');
    expect(md).toMatch(/\| a02 \| `canary-pending` \| .*waits for a01 \|/);
    expect(md).toMatch(/\| b01 \| `rollout-halted` \|/);
  });

  it('json: schema-valid, with halts, cohorts and each entry’s cohort, canary mark and waits', () => {
    const doc = JSON.parse(renderPlanJson(plan)) as Record<string, unknown> & {
      servers: { serviceName: string; cohort: string; canary: boolean; waitsFor: string[] }[];
      halts: { scope: string; reason: string }[];
    };

    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.halts).toMatchObject([{ scope: 'cohort', reason: 'rollout-halted', servers: ['b00'] }]);
    expect(doc.servers.find((s) => s.serviceName === 'a02')).toMatchObject({
      cohort: 'debian12_64/advance',
      canary: false,
      waitsFor: ['a01'],
    });
    expect(doc.servers.find((s) => s.serviceName === 'a01')?.canary).toBe(true);
  });

  it('json of a plan made before halts existed still renders schema-valid (the new fields take defaults)', () => {
    const old = {
      ...plan,
      halts: undefined,
      cohorts: undefined,
      servers: plan.servers.map(({ cohort: _c, canary: _k, waitsFor: _w, ...s }) => s),
    };

    expect(validate(JSON.parse(renderPlanJson(old)))).toBe(true);
  });
});
