import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { daemonEnv } from './daemon-process.js';
import { closeSimulator, World } from './helpers.js';

const MAIN = join(process.cwd(), 'dist', 'cli', 'main.js');

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});
afterAll(closeSimulator);

describe('the daemon process', () => {
  it('exits 64 naming the key on a configuration error', () => {
    const result = spawnSync(process.execPath, [MAIN, 'daemon'], {
      env: {
        PATH: process.env.PATH,
        HOME: '/nonexistent',
        OVH_FLEET_REPOSITORY_URL: '/srv/x',
        OVH_FLEET_LISTEN: 'nowhere',
      },
      encoding: 'utf8',
    });

    expect(result.status).toBe(64);
    expect(result.stderr).toMatch(/daemon-config-invalid: environment variable OVH_FLEET_LISTEN/);
  });

  it('runs a cycle, becomes ready, serves metrics, and exits 0 on SIGTERM', async () => {
    world = await World.create({ count: 1 });
    const config = join(world.root, 'daemon.yaml');
    writeFileSync(
      config,
      `repository:\n  url: ${world.origin}\nlisten: 127.0.0.1:0\nstateDir: ${world.stateDir}\nlogLevel: info\n`,
    );
    const child = spawn(process.execPath, [MAIN, 'daemon', '--config', config], {
      env: daemonEnv(world),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    await world.until(() => /"msg":"cycle ended"/.test(stderr), 'the first cycle', 30_000);
    const port = Number(/"port":(\d+),"msg":"listening"/.exec(stderr)?.[1]);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const status = (await (await fetch(`http://127.0.0.1:${port}/api/status`)).json()) as {
      servers: unknown[];
    };
    child.kill('SIGTERM');
    const code = await exited;

    expect(ready.status).toBe(200);
    expect(metrics).toMatch(/ovh_fleet_cycles_total\{result="success"\} 1/);
    expect(metrics).toMatch(/ovh_fleet_ovh_api_requests_total\{status_class="2xx"\} \d+/);
    expect(metrics).toContain('process_resident_memory_bytes');
    // The budget per priority comes from the process's budget (daemon-command.ts wires it).
    expect(metrics).toMatch(/ovh_fleet_api_budget_priority\{priority="plan",measure="granted"\} [1-9]/);
    expect(metrics).toMatch(/^ovh_fleet_sweep_max_unseen_seconds /m);
    expect(status.servers).toHaveLength(1);
    expect(code).toBe(0);
    expect(stderr).toContain('"msg":"stopped"');
    expect(world.originFile(`status/${world.managed[0]!.name}.yaml`)).toContain('phase: ready');
  });
});
