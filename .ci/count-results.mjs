// Reads vitest's JSON report and prints the plain summary line CI understands, then one line per
// failed test (file and name) with the first lines of its message, so that the tail of a CI log
// says what failed and why.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const tests = report.testResults.flatMap((file) => file.assertionResults);
const count = (status) => tests.filter((t) => t.status === status).length;
const suitesFailed = report.testResults.filter(
  (f) => f.status === 'failed' && f.assertionResults.length === 0,
).length;
const passed = count('passed');
const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
/** The first lines of a failure message, indented under its FAILED line, without colour codes. */
const head = (message) =>
  (message ?? '')
    .replace(COLOUR, '')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, 6)
    .map((l, i) => (i === 0 ? l : `      ${l.slice(0, 300)}`))
    .join('\n');
const failed = count('failed') + suitesFailed;
const skipped = count('skipped') + count('pending') + count('todo');
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
for (const file of report.testResults) {
  const name = relative(process.cwd(), file.name);
  if (file.status === 'failed' && file.assertionResults.length === 0)
    console.log(`  FAILED ${name}: ${head(file.message)}`);
  for (const t of file.assertionResults.filter((a) => a.status === 'failed'))
    console.log(`  FAILED ${name} > ${t.fullName}: ${head(t.failureMessages?.[0])}`);
}
if (passed === 0) process.exitCode = 1;
