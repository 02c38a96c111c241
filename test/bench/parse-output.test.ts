import { describe, expect, it } from 'vitest';
import { FIGURES } from '../../src/bench/compare/figures.js';
import { mergeSamples, parseBenchOutput } from '../../src/bench/compare/parse-output.js';
import { SAMPLE_DAEMON_RSS, SAMPLE_OUTPUT } from './sample-output.js';

describe('parseBenchOutput', () => {
  const parsed = parseBenchOutput(SAMPLE_OUTPUT + SAMPLE_DAEMON_RSS, FIGURES);

  it.each([
    ['adapter GET, sequential: throughput', [422]],
    ['adapter GET, sequential: p50', [1.49]],
    ['adapter GET, sequential: p99', [14.44]],
    ['adapter GET, concurrency 16: throughput', [1325]],
    ['adapter GET, concurrency 16: p50', [8.92]],
    ['adapter GET, concurrency 16: p99', [43.92]],
    ['validate: ajv-cli 5, whole process (control)', [7606, 3601, 6663]],
    ['validate --offline, empty state dir', [9186, 6818, 10818]],
    ['validate --offline, empty state dir: peak RSS', [162, 166, 162]],
    ['validate --offline, compiled schemas kept', [7978, 5650, 7840]],
    ['validate --offline, compiled schemas kept: peak RSS', [158, 162, 157]],
    ['validate: CLI start-up (--version)', [701, 289, 756]],
    ['validate in-process: schema compile', [1557, 1646, 1945]],
    ['validate in-process: compile + cold readFleet', [6546, 5201, 9275]],
    ['validate in-process: first warm re-validation', [248, 151, 514]],
    ['validate in-process: peak RSS', [161, 154, 154]],
    ['validate: throughput / ajv-cli, compiling', [0.83, 0.53, 0.62]],
    ['validate: throughput / ajv-cli, compiled kept', [0.95, 0.64, 0.85]],
    ['makePlan, 10,000 servers', [811.3]],
    ['plan-observe cold: API calls', [1440]],
    ['plan-observe cold: duration', [7.42]],
    ['plan-observe warm: API calls', [132]],
    ['plan-observe warm: duration', [1.78]],
    ['apply: measured duration', [100.27]],
    ['apply: efficiency (ideal / measured)', [0.88]],
    ['apply: API calls per reinstall', [13.5]],
    ['apply: TLS connections opened', [146]],
    ['apply: peak RSS', [168]],
    ['daemon: push -> reinstall POST, median', [6722]],
    ['daemon: 10,000 records, heap growth', [33.9]],
    ['daemon: 10,000 records, process RSS', [173]],
    ['daemon: serialize 1,000 status records', [177]],
    ['daemon: commit + push 1,000 status records', [11347]],
    ['verify: done -> ready (median)', [75.2]],
    ['verify: done -> ready (p95)', [165.3]],
    ['verify: server answers -> ready (median)', [7.2]],
    ['verify: server answers -> ready (p95)', [14.2]],
    ['verify: API calls during verification', [10]],
    ['daemon-rss: cycle 1 duration', [41.2]],
    ['daemon-rss: VmRSS at the end of cycle 1', [151]],
    ['daemon-rss: cycle 2 duration', [38.7]],
    ['daemon-rss: VmRSS at the end of cycle 2', [149]],
    ['daemon-rss: peak VmHWM', [183]],
    ['daemon-rss: highest VmRSS sampled', [180]],
  ])('reads %s from the printed lines', (name, values) => {
    expect(parsed.samples.get(name)).toEqual(values);
  });

  it('reads every figure it knows from the sample outputs (no figure that nothing prints)', () => {
    const plain = parseBenchOutput(
      SAMPLE_DAEMON_RSS.replace('== daemon-rss', '== daemon-rss-plain'),
      FIGURES,
    );
    const read = new Set([...parsed.samples.keys(), ...plain.samples.keys()]);

    const unread = FIGURES.map((f) => f.name).filter((name) => !read.has(name));

    expect(unread).toEqual([]);
    expect(new Set(FIGURES.map((f) => f.name)).size).toBe(FIGURES.length);
  });

  it('reads daemon-rss-plain under its own names, not as daemon-rss', () => {
    const plain = parseBenchOutput(
      SAMPLE_DAEMON_RSS.replace('== daemon-rss', '== daemon-rss-plain'),
      FIGURES,
    );

    expect(plain.samples.get('daemon-rss-plain: peak VmHWM')).toEqual([183]);
    expect(plain.samples.has('daemon-rss: peak VmHWM')).toBe(false);
  });

  it('leaves a figure whose line changed its wording out, and still reads the others', () => {
    const reworded = SAMPLE_OUTPUT.replace('ms per plan', 'ms for each plan');

    const result = parseBenchOutput(reworded, FIGURES);

    expect(result.samples.has('makePlan, 10,000 servers')).toBe(false);
    expect(result.samples.get('plan-observe warm: API calls')).toEqual([132]);
  });

  it("reads a line only within its own bench's section", () => {
    const output =
      '== adapter\nmakePlan, 10,000 servers: 811.3 ms per plan\nmakePlan, 10,000 servers: 1 ms per plan\n';

    const result = parseBenchOutput(output, FIGURES);

    expect(result.samples.size).toBe(0);
  });

  it('ignores lines before the first section and lines no figure matches', () => {
    const output =
      'makePlan, 10,000 servers: 5 ms per plan\n== plan\nwarming up\n\nmakePlan, 10,000 servers: 7.5 ms per plan\n';

    const result = parseBenchOutput(output, FIGURES);

    expect([...result.samples]).toEqual([['makePlan, 10,000 servers', [7.5]]]);
  });

  it('reports a bench that failed, with its message', () => {
    const output = '== plan\nplan: FAILED: out of memory\n== adapter\n';

    const result = parseBenchOutput(output, FIGURES);

    expect(result.failures).toEqual([{ bench: 'plan', message: 'out of memory' }]);
  });
});

describe('mergeSamples', () => {
  it('appends the samples of another run to those kept', () => {
    const kept = new Map([['a', [1]]]);

    mergeSamples(
      kept,
      new Map([
        ['a', [2]],
        ['b', [3]],
      ]),
    );

    expect([...kept]).toEqual([
      ['a', [1, 2]],
      ['b', [3]],
    ]);
  });
});
