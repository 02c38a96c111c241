import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAuthorized } from '../../../src/daemon/ui/ui-auth.js';

const TOKEN = 'the-dashboard-token-0123456789';
const sha = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;

describe('dashboard authentication (safety: nothing is shown without the configured credential)', () => {
  it('a bearer header passes only with the exact token', () => {
    const auth = { type: 'bearer', token: TOKEN } as const;
    expect(isAuthorized({ authorization: `Bearer ${TOKEN}` }, auth)).toBe(true);
    expect(isAuthorized({}, auth)).toBe(false);
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom('Bearer ', 'bearer ', 'Basic ', '', 'Bearer'),
        (value, scheme) => {
          fc.pre(value.trim() !== TOKEN);
          expect(isAuthorized({ authorization: `${scheme}${value}` }, auth)).toBe(false);
        },
      ),
    );
  });

  it('basic passes only for a listed user with the password whose digest is listed', () => {
    const auth = { type: 'basic', users: new Map([['ann', sha('correct horse')]]) } as const;
    expect(isAuthorized({ authorization: basic('ann', 'correct horse') }, auth)).toBe(true);
    fc.assert(
      fc.property(fc.string(), fc.string(), (user, password) => {
        fc.pre(!(user === 'ann' && password === 'correct horse'));
        expect(isAuthorized({ authorization: basic(user, password) }, auth)).toBe(false);
        expect(isAuthorized({ authorization: `Bearer ${password}` }, auth)).toBe(false);
      }),
    );
  });

  it('without ui.auth everything passes (the listener binds 127.0.0.1 by default)', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        expect(isAuthorized({ authorization: value }, null)).toBe(true);
      }),
    );
  });
});
