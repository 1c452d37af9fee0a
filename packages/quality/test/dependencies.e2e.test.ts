// The dependencies gate runs the real `pnpm audit --json` against a registry on 127.0.0.1 that
// answers the audit endpoint as the npm registry does, refuses it, or never answers, so the
// gate's reading of pnpm's real output (and its skip when there is none) is what is tested.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runGates, type DependenciesGateConfig, type GateResult } from '../src/index.js';
import { createFixture, type Fixture } from './fixture.js';

const LOCKFILE = `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .:
    dependencies:
      ms:
        specifier: 2.0.0
        version: 2.0.0

packages:

  ms@2.0.0:
    resolution: {integrity: sha512-Tpp60P6IUJDTuOq/5Z8cdskzJujfwqfOTkrwIwj7IRISpnkJnT6SyJ4PCPnGMoFjC9ddhal5KVIYtAt97ix05A==}

snapshots:

  ms@2.0.0: {}
`;

/** What the npm registry's quick audit endpoint answers for a project depending on ms@2.0.0. */
const AUDIT_ANSWER = {
  actions: [],
  advisories: {
    1094: {
      id: 1094,
      module_name: 'ms',
      severity: 'moderate',
      title: 'Inefficient Regular Expression Complexity in ms',
      url: 'https://github.com/advisories/GHSA-w9mr-4mfr-499f',
      findings: [{ version: '2.0.0', paths: ['ms'] }],
      vulnerable_versions: '<2.0.1',
      patched_versions: '>=2.0.1',
    },
  },
  muted: [],
  metadata: {
    vulnerabilities: { info: 0, low: 0, moderate: 1, high: 0, critical: 0 },
    dependencies: 1,
    devDependencies: 0,
    optionalDependencies: 0,
    totalDependencies: 1,
  },
};

type Behaviour = 'answer' | 'refuse' | 'hang';
let behaviour: Behaviour = 'answer';
const requests: string[] = [];
const hanging: ServerResponse[] = [];
const registry = createServer((req: IncomingMessage, res: ServerResponse) => {
  requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
  req.resume();
  req.on('end', () => {
    if (behaviour === 'hang') {
      hanging.push(res);
    } else if (behaviour === 'refuse') {
      res.writeHead(405).end();
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(AUDIT_ANSWER));
    }
  });
});
let url = '';
let fixture: Fixture | undefined;

beforeAll(async () => {
  await new Promise<void>((done) => registry.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  for (const res of hanging) res.destroy();
  registry.closeAllConnections();
  await new Promise((done) => registry.close(done));
});
afterEach(() => {
  fixture?.remove();
  fixture = undefined;
  requests.length = 0;
});

async function audit(options: DependenciesGateConfig): Promise<GateResult> {
  fixture = createFixture({
    'package.json': JSON.stringify({
      name: 'audited',
      version: '1.0.0',
      dependencies: { ms: '2.0.0' },
    }),
    'pnpm-lock.yaml': LOCKFILE,
  });
  const report = await runGates({ gates: { dependencies: options } }, { rootDir: fixture.root });
  return report.gates[0]!;
}

// No retries: a registry that refuses is reported at once, not after pnpm's backoff.
const pnpmAudit = (registryUrl: string) =>
  `pnpm audit --json --registry ${registryUrl} --config.fetch-retries=0`;

describe('dependencies gate with pnpm audit against a registry', () => {
  it("reads pnpm's advisories: fails at the severity, passes above it", async () => {
    behaviour = 'answer';
    const failed = await audit({ command: pnpmAudit(url), severity: 'moderate' });
    expect(requests).toContain('POST /-/npm/v1/security/audits/quick');
    expect(failed).toMatchObject({ status: 'failed', value: 1 });
    expect(failed.evidence[0]).toMatchObject({
      message: 'moderate: ms: Inefficient Regular Expression Complexity in ms',
      symbol: 'ms',
      excerpt: 'https://github.com/advisories/GHSA-w9mr-4mfr-499f',
    });
    const passed = await audit({ command: pnpmAudit(url), severity: 'high' });
    expect(passed).toMatchObject({ status: 'passed', value: 0 });
    expect(passed.measured).toBe('1 advisories, 0 at high or above');
  });

  it('is skipped, naming the refusal, when the registry refuses the audit endpoint', async () => {
    behaviour = 'refuse';
    const skipped = await audit({ command: pnpmAudit(url) });
    expect(skipped.status).toBe('skipped');
    expect(skipped.reason).toMatch(/gave no audit result \(ERR_PNPM_AUDIT_BAD_RESPONSE: .*405/);
  });

  it('is skipped, naming the connection error, when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const skipped = await audit({ command: pnpmAudit(`http://127.0.0.1:${port}/`) });
    expect(skipped.status).toBe('skipped');
    expect(skipped.reason).toMatch(/ECONNREFUSED/);
  });

  it('is skipped when the registry does not answer within timeoutMs', async () => {
    behaviour = 'hang';
    const skipped = await audit({ command: pnpmAudit(url), timeoutMs: 3000 });
    expect(skipped.status).toBe('skipped');
    expect(skipped.reason).toMatch(/no answer within 3 s/);
  });
});
