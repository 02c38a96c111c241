import { describe, expect, it } from 'vitest';
import { demoCommands } from '../../src/cli/demo-command.js';
import { simulatorProbes } from '../../src/cli/sim-probes.js';
import { runDemo } from '../../src/demo/run-demo.js';

describe('ovh-fleet demo (the README main job)', () => {
  it('merges a pull request, reinstalls the server once, verifies it, and commits its status back to git', async () => {
    const lines: string[] = [];

    await runDemo({
      speed: 300,
      keepRunning: false, // `ovh-fleet demo --exit`: ends right after its change
      print: (line) => lines.push(line),
      commands: demoCommands,
      probes: simulatorProbes,
    });

    const out = lines.join('\n');
    expect(out).toMatch(/first cycle success: .*9 ready\/(adopted|in-sync)/);
    expect(out).toMatch(/-\/\+ ns5354477\.ip-137-74-2\.eu .*\[spec-changed\]/);
    expect(out).toContain('erases disk group 1: 1 X Disk SATA 2 TB, JBOD');
    expect(out).toContain('webhook answered 202');
    // The reinstall is verified before it is ready: reinstalling → verifying → ready, with the
    // probes of the demo's fleet.yaml (ssh banner, web page) in the output and in the record.
    const reinstalling = out.search(/ns5354477\.ip-137-74-2\.eu: reinstalling: task \d+/);
    const verifying = out.search(
      /ns5354477\.ip-137-74-2\.eu: verifying \(in-sync\): reinstalled: task \d+ done \(debian12_64\); health checks run/,
    );
    const ready = out.search(
      /ns5354477\.ip-137-74-2\.eu is ready \(in-sync\): verified: 2 passing round\(s\) in a row/,
    );
    expect(reinstalling).toBeGreaterThan(-1);
    expect(verifying).toBeGreaterThan(reinstalling);
    expect(ready).toBeGreaterThan(verifying);
    expect(out).toMatch(/health checks: ssh success, web success in round \d+ \(2 passed, \d+ failed/);
    expect(out).toMatch(/ovh-fleet: ns5354477\.ip-137-74-2\.eu verifying \(in-sync\)/);
    expect(out).toMatch(/ovh-fleet: ns5354477\.ip-137-74-2\.eu ready \(in-sync\)/);
    // `ovh-fleet status` reads the committed record.
    expect(out).toMatch(/verification: +healthy since .*: 2 passing round\(s\) in a row/);
    expect(out).toMatch(/probes: +ssh success, web success in round \d+/);
    expect(out).toMatch(/Fleet-Task: ns5354477\.ip-137-74-2\.eu \d+/);
    expect(out).toMatch(/operatingSystem ubuntu2404-server_64 -> debian12_64 {2}by Bob Durand/);
    expect(out).toMatch(/Source: status\/ in .* and the OVHcloud API/);
    expect(out).toMatch(/phase: +ready \(in-sync\)/);
    expect(out).toMatch(/API now: +os debian12_64, state ok/);
    expect(out).toContain('the simulator received 1 reinstall request(s)');
  }, 120_000);
});
