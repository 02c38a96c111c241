// Regenerates the screenshots of the dashboard's views in docs/dashboard/ (linked from
// docs/dashboard.md): `npm run docs:screenshots`. It serves the real dashboard (dist/, so run
// after `npm run build`) over a made-up fleet of 240 servers (some reinstalling, waiting,
// failed) on 127.0.0.1, and photographs each view with the distribution's Chromium
// (OVH_FLEET_CHROMIUM, else /usr/bin/chromium) through playwright-core, in light and dark, and the
// Fleet and Rollout views on a phone (375×812).
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createLogger } from '../dist/core/logger.js';
import { startHttpServer } from '../dist/daemon/http-server.js';
import { createDaemonMetrics } from '../dist/daemon/metrics.js';
import { renderHistory } from '../dist/git/history.js';

const CHROMIUM = process.env.OVH_FLEET_CHROMIUM ?? '/usr/bin/chromium';
const OUT = fileURLToPath(new URL('../docs/dashboard/', import.meta.url));
const OSES = ['debian12_64', 'ubuntu2404-server_64', 'rocky9_64', 'alma9_64'];
const ROLES = ['web', 'db', 'cache', 'batch'];
const at = (minutesAgo) => new Date(Date.UTC(2026, 11, 3, 12, 0) - minutesAgo * 60_000).toISOString();

function server(i) {
  const name = `ns${String(5000 + i)}.ip-51-79-${i % 200}.eu`;
  const os = OSES[i % OSES.length];
  const base = {
    serviceName: name,
    phase: 'ready',
    reason: 'in-sync',
    message: '',
    since: at(600 + i),
    spec: { file: `servers/${name}.yaml`, commit: '4f1c2a9e7b3d' },
    desiredDigest: `sha256:${'a'.repeat(64)}`,
    observedOs: os,
    task: null,
    lastApplied: null,
    lastAttempt: null,
    attempts: [],
    lastError: null,
  };
  if (i < 3)
    return {
      ...base,
      phase: 'reinstalling',
      reason: 'task-running',
      message: 'reinstall task running',
      since: at(6 + i),
      observedOs: OSES[(i + 1) % OSES.length],
      task: {
        id: 561472500 + i,
        status: 'doing',
        step: 9 + i * 4,
        steps: 21,
        currentStep: ['Partitioning disks', 'Downloading OS image', 'Installing the operating system'][i],
        elapsedSeconds: 360 + i * 60,
        startedAt: at(6 + i),
        etaSeconds: 420 - i * 90,
        expectedEndAt: new Date(Date.parse(at(0)) + (420 - i * 90) * 1000).toISOString(),
      },
    };
  if (i < 8)
    return {
      ...base,
      phase: 'pending',
      reason: 'batch-limit',
      message: 'waits for a free slot of the batch (2 at a time)',
    };
  if (i === 8)
    return {
      ...base,
      phase: 'failed',
      reason: 'install-failed',
      message: 'install/status reported an error at step 14',
    };
  return base;
}

const servers = Array.from({ length: 240 }, (_, i) => server(i));
const declared = Object.fromEntries(
  servers.map((r, i) => [
    r.serviceName,
    { operatingSystem: OSES[i % OSES.length], labels: { role: ROLES[i % 4], dc: i % 3 ? 'gra' : 'rbx' } },
  ]),
);
// The daemon's timeline of the last cycles: one every 5 minutes, a few slower while reinstalling.
const cycles = Array.from({ length: 24 }, (_, i) => {
  const minutesAgo = (23 - i) * 5;
  const seconds = [3, 4, 2, 48, 61, 35, 4, 3][i % 8];
  const failed = i === 14;
  return {
    id: `c-${String(19 + i).padStart(4, '0')}`,
    trigger: i % 6 === 3 ? 'webhook' : i % 6 === 4 ? 'task-ended' : 'schedule',
    result: failed ? 'error' : i === 15 ? 'skipped' : 'success',
    startedAt: new Date(Date.parse(at(minutesAgo)) - seconds * 1000).toISOString(),
    endedAt: at(minutesAgo),
    head: '4f1c2a9e7b3d5a60c1e2f3a4b5c6d7e8f9a0b1c2',
    planHash: null,
    statusCommit: null,
    block: null,
    error: failed ? { code: 'api-unavailable', message: 'HTTP 503 from OVHcloud', next: 'retry' } : null,
    apiRequests: failed ? 4 : i === 15 ? 0 : seconds > 30 ? 40 + i : 6 + (i % 3),
    requestsPerMinute: 60,
  };
});
// The plan of the last cycle: it started servers 0-2 (batch 1) and holds 3-7 for the batch limit.
const disks = [
  {
    diskGroupId: 1,
    description: '2 X Disk SSD 480 GB, JBOD',
    numberOfDisks: 2,
    diskSize: { unit: 'GB', value: 480 },
  },
];
const planEntry = (r, i) => ({
  serviceName: r.serviceName,
  file: r.spec.file,
  action: i < 3 ? 'reinstall' : 'deferred',
  reason: i < 3 ? 'os-changed' : 'batch-limit',
  message: i < 3 ? 'the spec asks for another OS' : 'the spec asks for another OS; held back: batch-limit',
  batch: i < 3 ? 1 : 2 + Math.floor((i - 3) / 3),
  from: { operatingSystem: OSES[(i + 1) % OSES.length] },
  to: { operatingSystem: OSES[i % OSES.length] },
  erases: i === 4 ? null : disks,
  notBefore: null,
  changes: [{ path: '/operatingSystem', from: OSES[(i + 1) % OSES.length], to: OSES[i % OSES.length] }],
  cohort: null,
  canary: false,
  waitsFor: [],
});
const plan = {
  planHash: `sha256:${'5e'.repeat(32)}`,
  revision: '4f1c2a9e7b3d5a60c1e2f3a4b5c6d7e8f9a0b1c2',
  generatedAt: at(1),
  summary: { reinstall: 3, adopt: 0, follow: 0, deferred: 5, invalid: 0, none: 232 },
  halts: [],
  cohorts: [],
  entries: servers.slice(0, 8).map(planEntry),
};
const status = {
  ready: true,
  head: '4f1c2a9e7b3d5a60c1e2f3a4b5c6d7e8f9a0b1c2',
  block: null,
  lastCycle: {
    id: 'c-0042',
    trigger: 'webhook',
    result: 'success',
    startedAt: at(1),
    endedAt: at(0),
    head: '4f1c2a9e7b3d5a60c1e2f3a4b5c6d7e8f9a0b1c2',
    planHash: null,
    statusCommit: null,
    block: null,
    error: null,
  },
  lastGoodCycleAt: at(0),
  tasksInFlight: 3,
  cycles,
  servers,
  declared,
  plan,
};

/** The Server view's plan entry and history (`/api/servers/<name>`) of the photographed server. */
function detailOf(r) {
  const ann = { name: 'Ann Operator', email: 'ann@example.com' };
  const bot = { name: 'ovh-fleet', email: 'ovh-fleet@example.com' };
  const commit = (hash, author, minutesAgo, subject) => ({
    hash: hash.repeat(40 / hash.length),
    author,
    date: at(minutesAgo).replace('.000Z', '+00:00'),
    subject,
  });
  const entries = [
    {
      kind: 'spec',
      commit: commit('1a2b', ann, 9000, 'Add the web servers of rbx'),
      file: r.spec.file,
      osBefore: null,
      osAfter: OSES[2],
    },
    {
      kind: 'status',
      commit: commit('3c4d', bot, 8990, 'ovh-fleet: status of 240 servers'),
      tasks: [],
      specCommits: ['1a2b'.repeat(10)],
      result: `${r.serviceName}: adopted (${OSES[2]} already installed)`,
    },
    {
      kind: 'spec',
      commit: commit('5e6f', ann, 12, `Move ${r.serviceName} to ${OSES[1]}`),
      file: r.spec.file,
      osBefore: OSES[2],
      osAfter: OSES[1],
    },
    {
      kind: 'status',
      commit: commit('7a8b', bot, 7, 'ovh-fleet: reinstall 3 servers'),
      tasks: [String(r.task.id)],
      specCommits: ['5e6f'.repeat(10)],
      result: `${r.serviceName}: reinstall started (${OSES[1]})`,
    },
  ];
  return {
    serviceName: r.serviceName,
    revisions: { spec: status.head, status: '7a8b'.repeat(10) },
    plan: { revision: status.head, generatedAt: at(1) },
    planEntry: {
      serviceName: r.serviceName,
      file: r.spec.file,
      action: 'follow',
      reason: 'task-in-progress',
      message: `reinstall task ${r.task.id} is running (step ${r.task.step} of ${r.task.steps})`,
      digest: r.desiredDigest,
      from: { operatingSystem: OSES[2] },
      to: { operatingSystem: OSES[1] },
      changes: [],
      erases: null,
      notBefore: null,
      batch: null,
      labels: declared[r.serviceName].labels,
    },
    history: { entries, text: renderHistory(r.serviceName, entries) },
  };
}

if (!existsSync(CHROMIUM)) {
  console.error(
    `no Chromium at ${CHROMIUM}: install the distribution's chromium package or set OVH_FLEET_CHROMIUM`,
  );
  process.exit(1);
}
mkdirSync(OUT, { recursive: true });
const listener = await startHttpServer('127.0.0.1', 0, {
  ready: () => true,
  status: () => status,
  onWebhook: () => undefined,
  webhookSecret: null,
  serverDetail: async (segment) => {
    const r = servers.find((x) => x.serviceName === decodeURIComponent(segment));
    return r?.task ? { code: 200, body: detailOf(r) } : { code: 404, error: 'no such server here' };
  },
  metrics: createDaemonMetrics(),
  log: createLogger({ level: 'silent' }),
});
const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
try {
  const views = {
    fleet: '#/fleet',
    rollout: '#/rollout',
    server: `#/server/${encodeURIComponent(servers[1].serviceName)}`,
  };
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
    const page = await context.newPage();
    // The page counts times (elapsed, time left) from its clock: the synthetic status's "now".
    await page.clock.setFixedTime(new Date(at(0)));
    for (const [view, hash] of Object.entries(views)) {
      await page.goto(`http://127.0.0.1:${listener.port}/${hash}`);
      await page.locator('#connection[data-state="live"]').waitFor();
      await page.locator(`#view-${view}`).waitFor();
      if (view === 'server') await page.locator('#view-server table.history').waitFor();
      const file = `${OUT}${view}-${scheme}.png`;
      // The Server view is photographed whole (its history is below the fold).
      await page.screenshot({ path: file, fullPage: view !== 'fleet' });
      console.log(`wrote ${file}`);
    }
    await context.close();
  }
  // A phone (375×812, light): the Fleet and Rollout views as they first show, no scrolling.
  const phone = await browser.newContext({
    viewport: { width: 375, height: 812 },
    isMobile: true,
    hasTouch: true,
    colorScheme: 'light',
  });
  const page = await phone.newPage();
  await page.clock.setFixedTime(new Date(at(0)));
  for (const view of ['fleet', 'rollout']) {
    await page.goto(`http://127.0.0.1:${listener.port}/${views[view]}`);
    await page.locator('#connection[data-state="live"]').waitFor();
    await page.locator(`#view-${view}`).waitFor();
    const file = `${OUT}${view}-phone.png`;
    await page.screenshot({ path: file });
    console.log(`wrote ${file}`);
  }
  await phone.close();
} finally {
  await browser.close();
  await listener.close();
}
