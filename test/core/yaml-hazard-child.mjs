// The YAML-hazard tests' child: runs untrusted texts through every YAML entry point of the BUILT
// code (dist/) in ONE process, in order, because the failure being guarded against is a V8
// abort that no try/catch survives. Input: a JSON array of {entry, text} on stdin. Output: one
// JSON line per input with what the entry point answered.
import { readFileSync } from 'node:fs';
import { parseDaemonConfig } from '../../dist/config/daemon-config.js';
import { parseRewriteAck } from '../../dist/daemon/ack-rewrite.js';
import { operatingSystemOf } from '../../dist/git/history.js';
import { parseFleetFile, restoreParsedFile } from '../../dist/specs/parse-file.js';
import { parseStatusRecord } from '../../dist/records/status-record.js';

const summarize = (diagnostics) =>
  diagnostics.map((d) => ({ code: d.code, line: d.line, column: d.column, message: d.message }));

const run = {
  fleet: (text) => {
    const parsed = parseFleetFile('servers/x.yaml', Buffer.from(text));
    // A diagnostic's position may parse the text again (lazily): that must be safe too.
    parsed.positionOf('/customizations/hostname');
    const restored = restoreParsedFile('servers/x.yaml', parsed.contentHash, text, undefined, []);
    restored.positionOf('/customizations/hostname');
    return { ok: parsed.data !== undefined, diagnostics: summarize(parsed.diagnostics) };
  },
  status: (text) => {
    const parsed = parseStatusRecord(text, 'status/x.yaml');
    return { ok: parsed.record !== undefined, diagnostics: summarize(parsed.diagnostics) };
  },
  config: (text) => {
    try {
      parseDaemonConfig(text, {}, { file: '/etc/ovh-fleet/config.yaml' });
      return { ok: true, diagnostics: [] };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  },
  ack: (text) => ({ ok: parseRewriteAck(text) !== null }),
  history: (text) => ({ ok: operatingSystemOf(text) !== null }),
};

const inputs = JSON.parse(readFileSync(0, 'utf8'));
for (const { entry, text } of inputs) {
  process.stdout.write(`${JSON.stringify({ entry, ...run[entry](text) })}\n`);
}
