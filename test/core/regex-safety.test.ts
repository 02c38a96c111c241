/**
 * No regular expression of src/ backtracks super-linearly on input an attacker can shape.
 *
 * A regex like `/ +$/` is correct on every example, yet a 256 KiB spec line of spaces followed by
 * one other character made it take a minute (the spec reader stalls, and with it the whole
 * fleet). Examples do not find that; recheck (https://makenowjust-labs.github.io/recheck/) does:
 * it analyses each pattern's automaton and fuzzes it for super-linear backtracking. Every regex
 * literal of src/ is checked; a pattern recheck does not call safe must be listed below with why
 * its input is trusted or bounded, and every listed entry must still exist.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');
/** The simulator and the benches never read input from outside this repository. */
const SKIPPED = ['sim/', 'bench/'];

/** `file pattern` → why its input is trusted or bounded. */
const REVIEWED: Readonly<Record<string, string>> = {
  'apply/secret-values.ts /(\\r?\\n)+$/': "a secret file on the operator's own machine",
  'config/credentials.ts /(\\r?\\n)+$/': "the operator's credentials file",
  'config/credentials.ts /-----BEGIN CERTIFICATE-----[\\s\\S]+?-----END CERTIFICATE-----/':
    "the operator's CA bundle",
  'config/daemon-config.ts /\\/+$/': "the operator's daemon configuration",
  'config/daemon-config.ts /(\\r?\\n)+$/': "the operator's daemon configuration",
  'config/endpoints.ts /\\/+$/': "an endpoint URL from the operator's configuration",
  'cli/ack-rewrite-command.ts /^\\s*([^<>]+?)\\s*<([^<>\\s]+@[^<>\\s]+)>\\s*$/':
    'an identity typed by the operator on the command line',
  'cli/apply-record.ts /^[a-z+]+:\\/\\/|^[^/]+@[^/]+:/i': 'a remote URL given by the operator',
  'core/service-name.ts /^[A-Za-z0-9](?:[A-Za-z0-9-]|\\.(?!\\.)){0,199}$/':
    'bounded: at most 200 characters are matched (recheck cannot decide the bounded repeat in time)',
  'git/commit-message.ts /\\[rejected\\].*\\((fetch first|non-fast-forward)\\)/':
    "git's own push output, a few lines",
  'git/intent-record.ts /\\/+$/': "a branch or path name from the operator's configuration",
  'git/simple-git-repo.ts /\\/+$/': "a path from the operator's configuration",
  'git/status-files.ts /\\/+$/': "the fleet path from the operator's configuration",
  'import/import-spec.ts /^(?=.{1,253}$)([A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/':
    'bounded: the lookahead limits the match to 253 characters',
  'ovh/classify.ts /invalid application key|application key .*(invalid|not valid|does not exist)|INVALID_KEY/i':
    "an OVHcloud error message (short; quadratic only in repeats of 'application key ')",
};

interface Literal {
  key: string;
  where: string;
  source: string;
  flags: string;
}

function literals(): Literal[] {
  const out: Literal[] = [];
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .map((f) => f.split(path.sep).join('/'))
    .filter((f) => f.endsWith('.ts') && !SKIPPED.some((s) => f.startsWith(s)));
  for (const file of files) {
    const sf = ts.createSourceFile(
      file,
      readFileSync(path.join(SRC, file), 'utf8'),
      ts.ScriptTarget.Latest,
      true,
    );
    const visit = (node: ts.Node): void => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const text = (node as ts.RegularExpressionLiteral).text;
        const slash = text.lastIndexOf('/');
        const line = sf.getLineAndCharacterOfPosition(node.getStart()).line + 1;
        out.push({
          key: `${file} ${text}`,
          where: `src/${file}:${line}`,
          source: text.slice(1, slash),
          flags: text.slice(slash + 1),
        });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

describe('regular expressions of src/ (recheck)', () => {
  it('backtrack at most linearly, or are reviewed as reading trusted or bounded input', async () => {
    // The pure JavaScript backend: no JVM or native binary, nothing leaves the process.
    process.env.RECHECK_BACKEND = 'pure';
    const { checkSync } = await import('recheck');
    const found = literals();
    expect(found.length).toBeGreaterThan(100);
    const unsafe: string[] = [];
    for (const literal of found) {
      if (literal.key in REVIEWED) continue;
      // The automaton checker decides most patterns exactly in milliseconds; the few it cannot
      // (large bounded repeats, or not within 2 s) go to the fuzzer, seeded so that every run checks the same.
      let result = checkSync(literal.source, literal.flags, { checker: 'automaton', timeout: 2_000 });
      if (result.status === 'unknown') {
        result = checkSync(literal.source, literal.flags, {
          checker: 'fuzz',
          randomSeed: 13,
          timeout: 60_000,
        });
      }
      if (result.status !== 'safe')
        unsafe.push(`${literal.where} ${result.status}: /${literal.source}/${literal.flags}`);
    }
    expect(unsafe).toEqual([]);
    const stale = Object.keys(REVIEWED).filter((key) => !found.some((l) => l.key === key));
    expect(stale).toEqual([]);
  }, 300_000);

  it('recheck finds the quadratic pattern that stalled the spec reader', async () => {
    process.env.RECHECK_BACKEND = 'pure';
    const { checkSync } = await import('recheck');
    const result = checkSync(' +$', '', { checker: 'automaton', timeout: 30_000 });
    expect(result.status).toBe('vulnerable');
  }, 60_000);
});
