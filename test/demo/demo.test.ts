import { describe, expect, it } from 'vitest';
import { demoCommands } from '../../src/cli/demo-command.js';
import { runDemo } from '../../src/demo/run-demo.js';

describe('ovh-fleet demo (the README main job)', () => {
  it('merges a pull request, reinstalls the server once, and commits its status back to git', async () => {
    const lines: string[] = [];

    await runDemo({
      speed: 300,
      keepRunning: false,
      print: (line) => lines.push(line),
      commands: demoCommands,
    });

    const out = lines.join('\n');
    expect(out).toMatch(/first cycle success: .*9 ready\/(adopted|in-sync)/);
    expect(out).toMatch(/-\/\+ ns5354477\.ip-137-74-2\.eu .*\[spec-changed\]/);
    expect(out).toContain('erases disk group 1: 1 X Disk SATA 2 TB, JBOD');
    expect(out).toContain('webhook answered 202');
    expect(out).toMatch(
      /ns5354477\.ip-137-74-2\.eu is ready \(in-sync\): reinstalled: task \d+ done \(debian12_64\)/,
    );
    expect(out).toMatch(/Fleet-Task: ns5354477\.ip-137-74-2\.eu \d+/);
    expect(out).toMatch(/operatingSystem ubuntu2404-server_64 -> debian12_64 {2}by Bob Durand/);
    expect(out).toMatch(/Source: status\/ in .* and the OVHcloud API/);
    expect(out).toMatch(/phase: +ready \(in-sync\)/);
    expect(out).toMatch(/API now: +os debian12_64, state ok/);
    expect(out).toContain('the simulator received 1 reinstall request(s)');
  }, 120_000);
});
