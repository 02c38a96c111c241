import { describe, expect, it } from 'vitest';
import { CODE_AREAS } from '../../src/core/codes/registry.js';
import { PLAN_CODES } from '../../src/core/codes/plan-codes.js';
import { PLAN_SCHEMA } from '../../src/plan/plan-schema.js';

describe('plan codes', () => {
  it('no other area registers a plan code under the same name', () => {
    const others = Object.entries(CODE_AREAS).filter(([area]) => area !== 'plan');

    const clashes = Object.keys(PLAN_CODES).filter((code) =>
      others.some(([, table]) => Object.hasOwn(table, code)),
    );

    expect(clashes).toEqual([]);
  });

  it('every reason the plan schema allows is registered', () => {
    const reasons = PLAN_SCHEMA.$defs.server.properties.reason.enum;

    expect(reasons.filter((r) => !Object.hasOwn(PLAN_CODES, r))).toEqual([]);
  });
});
