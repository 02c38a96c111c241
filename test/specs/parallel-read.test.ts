/**
 * readFleet's cold path on worker threads gives exactly what the in-thread path gives. The
 * workers run the built modules under dist/ (vitest runs the TypeScript sources): `npm test`
 * builds first; the first test fails clearly when there is no build.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ReadCache } from '../../src/specs/read-cache.js';
import { readFleet } from '../../src/specs/read-fleet.js';
import type { FileValidator, FleetRepository } from '../../src/specs/types.js';
import { parseWorkerUrl } from '../../src/specs/parse-pool.js';
import { createFileValidator } from '../../src/validate/file-validator.js';
import { generateSchemas } from '../../src/validate/generate-schemas.js';
import { fixtureCatalog, FIXTURE_META } from '../validate/helpers.js';
import { makeRepo, removeRepos, spec, type RepoContent } from './temp-repo.js';

afterAll(removeRepos);

const validate = createFileValidator(generateSchemas(fixtureCatalog(), FIXTURE_META));
const WORKERS = { minFiles: 1, threads: 3, chunkFiles: 4, helpHere: false } as const;

/** 40 good specs and one of every kind of problem, in sub-folders. */
function mixedFleet(): RepoContent {
  const files: RepoContent = {
    'fleet.yaml': 'apiVersion: ovh-fleet/v1\nkind: Fleet\ndrift: sometimes\n',
    'scripts/boot.sh': '#!/bin/sh\necho hi\n',
    'servers/bad/schema.yaml': spec('schema.eu', 'labels: [a]\n'),
    'servers/bad/yaml.yaml': 'serviceName: [oops\n',
    'servers/bad/utf8.yaml': new Uint8Array([0x61, 0x3a, 0x20, 0xff, 0x0a]),
    'servers/bad/dup-1.yaml': spec('dup.eu'),
    'servers/bad/dup-2.yaml': spec('dup.eu'),
    'servers/bad/missing-ref.yaml': spec(
      'ref.eu',
      'customizations:\n  postInstallationScript: {file: scripts/none.sh}\n',
    ),
    'servers/bad/full-parse.yaml': `${spec('anchor.eu')}labels: &l {role: web}\n`,
    'servers/bad/empty.yaml': '# nothing\n',
  };
  for (let i = 0; i < 40; i++) {
    files[`servers/rack-${i % 3}/s${i}.yaml`] = spec(
      `ns${i}.eu`,
      `labels: {rack: r${i % 3}}\ncustomizations:\n  hostname: web-${i}.example.com\n  postInstallationScript: {file: scripts/boot.sh}\nreinstall: {generation: ${i % 4}}\n`,
    );
  }
  return files;
}

/** Everything a caller can see, positions included (computed lazily on both paths). */
function visible(fleet: FleetRepository): unknown {
  return {
    policy: fleet.policy,
    invalid: fleet.invalid,
    diagnostics: fleet.diagnostics,
    specs: fleet.specs.map((s) => ({ ...s, positions: s.positions })),
  };
}

describe('readFleet on worker threads', () => {
  it('finds the built worker (run `npm run build` first)', () => {
    expect(parseWorkerUrl()).toMatch(/\/dist\/specs\/parse-worker\.js$/);
    expect(validate.workerRecipe?.module).toMatch(/\/dist\/validate\/worker-validator\.js$/);
  });

  it('reads a mixed fleet exactly as the in-thread path does', async () => {
    const root = makeRepo(mixedFleet());
    const here = new ReadCache();
    const there = new ReadCache();

    const inThread = await readFleet(root, { validate, cache: here, parallel: false });
    const inWorkers = await readFleet(root, { validate, cache: there, parallel: WORKERS });

    expect(there.stats.inWorkers).toBe(48);
    expect(here.stats.inWorkers).toBe(0);
    expect(inThread.diagnostics).toHaveLength(8);
    expect(visible(inWorkers)).toEqual(visible(inThread));
  });

  it('re-validates from the cache filled by the workers without parsing again', async () => {
    const root = makeRepo(mixedFleet());
    const cache = new ReadCache();
    const cold = await readFleet(root, { validate, cache, parallel: WORKERS });

    const warm = await readFleet(root, { validate, cache, parallel: WORKERS });

    expect(cache.stats).toEqual({ statHits: 49, hashHits: 0, misses: 0, inWorkers: 0 });
    expect(visible(warm)).toEqual(visible(cold));
  });

  it('parses without a validator too', async () => {
    const root = makeRepo(mixedFleet());
    const cache = new ReadCache();

    const inWorkers = await readFleet(root, { cache, parallel: WORKERS });

    expect(cache.stats.inWorkers).toBe(48);
    expect(visible(inWorkers)).toEqual(visible(await readFleet(root, { parallel: false })));
  });

  it('takes the work back in this thread when the workers cannot rebuild the validator', async () => {
    const root = makeRepo(mixedFleet());
    const broken: FileValidator = Object.assign((parsed: Parameters<FileValidator>[0]) => validate(parsed), {
      workerRecipe: { module: new URL('./no-such-module.js', import.meta.url).href, data: null },
    });
    const cache = new ReadCache();

    const fleet = await readFleet(root, { validate: broken, cache, parallel: WORKERS });

    expect(cache.stats.inWorkers).toBe(0);
    expect(visible(fleet)).toEqual(visible(await readFleet(root, { validate, parallel: false })));
  });
});
