import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { daemonLaunchOf } from '../../src/bench/daemon-launch.js';

const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
const dockerignore = readFileSync(new URL('../../.dockerignore', import.meta.url), 'utf8');
const stages = dockerfile.split(/^FROM /m).slice(1);
const runtime = stages.at(-1) ?? '';

describe('Dockerfile', () => {
  it('is multi-stage: builds with dev dependencies and ships production ones only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]).toMatch(/npm ci\b/);
    expect(stages[0]).toMatch(/npm prune --omit=dev/);
    expect(runtime).toMatch(/COPY --from=build \/app\/node_modules/);
    expect(runtime).not.toMatch(/npm (ci|install)/);
  });

  it('runs on a Node 24 LTS slim base', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-[a-z]+-slim$/m);
  });

  it('installs git, openssh-client, tini and util-linux (flock, the state lock) in the runtime image', () => {
    for (const pkg of ['git', 'openssh-client', 'tini', 'ca-certificates', 'util-linux'])
      expect(runtime).toContain(pkg);
  });

  it('runs as a non-root user with tini as PID 1', () => {
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"/m);
  });

  it('checks health on /healthz and keeps state in a volume', () => {
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
    expect(runtime).toMatch(/^VOLUME \["\/var\/lib\/ovh-fleet"\]$/m);
  });

  it('bakes in no configuration or credentials', () => {
    expect(dockerfile).not.toMatch(/COPY[^\n]*(config\.yaml|credentials|secret|\.env)/i);
    expect(dockerfile).not.toMatch(/^ENV[^\n]*(OVH_APPLICATION|OVH_CONSUMER|OVH_CLIENT_SECRET)/m);
  });

  it('keeps the build context small', () => {
    for (const entry of ['node_modules', '.git', 'dist']) expect(dockerignore.split('\n')).toContain(entry);
  });

  it('starts node with the same memory settings as the systemd unit', () => {
    const unit = daemonLaunchOf(
      readFileSync(new URL('../../systemd/ovh-fleet.service', import.meta.url), 'utf8'),
    );
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(runtime)?.[1] ?? '[]') as string[];
    const node = entrypoint.indexOf('node');

    expect(entrypoint.slice(node + 1, entrypoint.indexOf('/app/dist/cli/main.js'))).toEqual(unit.nodeFlags);
    for (const [key, value] of Object.entries(unit.env))
      expect(runtime).toMatch(new RegExp(`^\\s+${key}=${value} \\\\$`, 'm'));
  });
});
