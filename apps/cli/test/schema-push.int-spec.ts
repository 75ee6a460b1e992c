/**
 * `herald schemas push` and `herald schemas check --against registry:` through the built CLI,
 * against the built registry (its own `_schemas` topic) and the real Kafka. Every test pushes
 * event types with names of its own, so topics and subjects never collide between tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigResourceTypes, type Admin } from 'kafkajs';
import { startTestRegistry, testBrokers, testKafka, type TestRegistry } from '@app/testing';
import { copyPaymentType } from './spec-support/payment-type-copy';

const ROOT = join(__dirname, '..', '..', '..');
const HERALD = join(ROOT, 'bin', 'herald.js');
const JSON_TYPE = 'application/vnd.schemaregistry.v1+json';

let registry: TestRegistry;
let admin: Admin;
let workDir: string;
const createdTopics: string[] = [];

beforeAll(async () => {
  registry = await startTestRegistry();
  admin = testKafka('herald-push-test').admin();
  await admin.connect();
});

afterAll(async () => {
  await admin.deleteTopics({ topics: createdTopics }).catch(() => undefined);
  await admin.disconnect();
  await registry.stop();
});

beforeEach(() => {
  workDir = mkdtempSync(join(tmpdir(), 'herald-push-'));
});
afterEach(() => rmSync(workDir, { recursive: true, force: true }));

/** A copy of payments.payment.received with a fresh domain; its topic is deleted after the tests. */
function addPaymentType(): { type: string; subject: string; folder: string } {
  const copied = copyPaymentType(workDir);
  createdTopics.push(copied.type);
  return copied;
}

function setEventYaml(folder: string, key: 'partitions' | 'retention', value: string): void {
  const file = join(folder, 'event.yaml');
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace(new RegExp(`^${key}: .*$`, 'm'), `${key}: ${value}`),
  );
}

type HeraldResult = { status: number | null; stdout: string; stderr: string };

const herald = (...args: string[]): HeraldResult => heraldWith({}, ...args);

function heraldWith(env: NodeJS.ProcessEnv, ...args: string[]): HeraldResult {
  const { REGISTRY_WRITE_TOKEN: _inherited, ...parent } = process.env;
  const result = spawnSync(process.execPath, [HERALD, 'schemas', ...args], {
    cwd: workDir,
    env: { ...parent, KAFKA_BROKERS: testBrokers().join(','), NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const push = (...args: string[]) => herald('push', '--registry', registry.url, ...args);

async function registryGet(path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${registry.url}${path}`);
  const body: unknown = await response.json();
  return { status: response.status, body };
}

async function registerDirectly(subject: string, schema: unknown): Promise<void> {
  const response = await fetch(`${registry.url}/subjects/${subject}/versions`, {
    method: 'POST',
    headers: { 'content-type': JSON_TYPE },
    body: JSON.stringify({ schema: JSON.stringify(schema) }),
  });
  expect(response.status).toBe(200);
}

async function topicShape(topic: string): Promise<{ partitions: number; retentionMs: string | undefined }> {
  const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  const configs = await admin.describeConfigs({
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    includeSynonyms: false,
  });
  const retention = configs.resources[0]?.configEntries.find((e) => e.configName === 'retention.ms');
  return { partitions: metadata?.partitions.length ?? 0, retentionMs: retention?.configValue };
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8')) as unknown;

describe('herald schemas push', () => {
  it('creates the topic, sets the level, registers vN as version N, and a second run changes nothing', async () => {
    const { type, subject, folder } = addPaymentType();
    const first = push();
    expect([first.status, first.stderr]).toEqual([0, '']);
    expect(first.stdout).toContain(`topic ${type}: created with 6 partitions, retention 365d`);
    expect(first.stdout).toContain(`compatibility of ${subject}: set FULL_TRANSITIVE`);
    expect(first.stdout).toMatch(
      new RegExp(`v2\\.avsc: registered as version 2 of ${subject} \\(id \\d+\\)`),
    );

    expect(await topicShape(type)).toEqual({ partitions: 6, retentionMs: String(365 * 86_400_000) });
    expect((await registryGet(`/config/${subject}`)).body).toEqual({ compatibilityLevel: 'FULL_TRANSITIVE' });
    expect((await registryGet(`/subjects/${subject}/versions`)).body).toEqual([1, 2]);
    const v2 = (await registryGet(`/subjects/${subject}/versions/2`)).body as { schema: string };
    expect(JSON.parse(v2.schema)).toEqual(readJson(join(folder, 'v2.avsc')));

    const second = push('--format', 'json');
    expect(second.status).toBe(0);
    const report = JSON.parse(second.stdout) as { eventTypes: unknown[]; summary: unknown };
    expect(report.eventTypes).toEqual([expect.objectContaining({ type, status: 'unchanged', actions: [] })]);
    expect(report.summary).toEqual({ changed: 0, unchanged: 1, failed: 0 });
    expect(push().stdout).toContain('Nothing to change: the registry and Kafka already match the tree');
  });

  it('with --dry-run shows the plan and writes nothing', async () => {
    const { type, subject } = addPaymentType();
    const dry = push('--dry-run');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain(`topic ${type}: would create with 6 partitions`);
    expect(dry.stdout).toContain(`v1.avsc: would register as version 1 of ${subject}`);
    expect(await admin.listTopics()).not.toContain(type);
    expect((await registryGet(`/subjects/${subject}/versions`)).status).toBe(404);
    expect((await registryGet(`/config/${subject}`)).status).toBe(404);
  });

  it('refuses a type whose registry version differs from its file, writing nothing for it', async () => {
    const edited = addPaymentType();
    const healthy = addPaymentType();
    const v1 = readJson(join(edited.folder, 'v1.avsc')) as Record<string, unknown>;
    await registerDirectly(edited.subject, { ...v1, doc: 'an older text of v1' });

    const result = push();
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`${edited.type}: FAILED`);
    expect(result.stdout).toContain(`registry version 1 of ${edited.subject} (id `);
    expect(result.stdout).toContain('a published version is immutable');
    expect(await admin.listTopics()).not.toContain(edited.type);
    expect((await registryGet(`/subjects/${edited.subject}/versions`)).body).toEqual([1]);
    expect((await registryGet(`/config/${edited.subject}`)).status).toBe(404);
    // The other type of the same tree is pushed all the same.
    expect((await registryGet(`/subjects/${healthy.subject}/versions`)).body).toEqual([1, 2]);
  });

  it('refuses when the registry is ahead of the tree', () => {
    const { subject, folder } = addPaymentType();
    expect(push().status).toBe(0);
    rmSync(join(folder, 'v2.avsc'));
    const result = push();
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`the registry holds version(s) 2 of ${subject} that have no file here`);
  });

  it('raises partitions when event.yaml asks for more, never shrinks, and updates retention', async () => {
    const { type, folder } = addPaymentType();
    expect(push().status).toBe(0);
    setEventYaml(folder, 'partitions', '8');
    setEventYaml(folder, 'retention', '30d');
    const raised = push();
    expect(raised.status).toBe(0);
    expect(raised.stdout).toContain(`topic ${type}: partitions raised from 6 to 8`);
    expect(raised.stdout).toContain(`topic ${type}: retention set to 30d (was 365d)`);
    expect(await topicShape(type)).toEqual({ partitions: 8, retentionMs: String(30 * 86_400_000) });

    setEventYaml(folder, 'partitions', '2');
    const kept = push();
    expect(kept.status).toBe(0);
    expect(kept.stdout).toContain(
      `topic ${type}: has 8 partitions, event.yaml asks for 2; Kafka cannot remove`,
    );
    expect((await topicShape(type)).partitions).toBe(8);
  });

  it('exits 2 when the registry cannot be reached', () => {
    addPaymentType();
    const result = herald('push', '--registry', 'http://127.0.0.1:1');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^herald: cannot reach the schema registry at http:\/\/127\.0\.0\.1:1/);
  });

  describe('against a registry that needs a write token', () => {
    const TOKEN = `push-${randomBytes(12).toString('hex')}`;
    let guarded: TestRegistry;

    beforeAll(async () => {
      guarded = await startTestRegistry({ env: { REGISTRY_WRITE_TOKEN: TOKEN } });
    });
    afterAll(() => guarded.stop());

    it('registers nothing without the token and says which variable carries it; with it, pushes', async () => {
      const { subject } = addPaymentType();
      const refused = heraldWith({}, 'push', '--registry', guarded.url);
      expect(refused.status).toBe(1);
      expect(refused.stdout).toContain('→ 401 40101');
      expect(refused.stdout).toContain("set REGISTRY_WRITE_TOKEN to the registry's write token");
      const versions = await fetch(`${guarded.url}/subjects/${subject}/versions`);
      expect(versions.status).toBe(404);

      const wrong = heraldWith({ REGISTRY_WRITE_TOKEN: 'not-it' }, 'push', '--registry', guarded.url);
      expect(wrong.status).toBe(1);
      expect(wrong.stdout).toContain('REGISTRY_WRITE_TOKEN is set, but the registry does not accept it');

      const pushed = heraldWith({ REGISTRY_WRITE_TOKEN: TOKEN }, 'push', '--registry', guarded.url);
      expect([pushed.status, pushed.stderr]).toEqual([0, '']);
      const registered = await fetch(`${guarded.url}/subjects/${subject}/versions`);
      expect(await registered.json()).toEqual([1, 2]);
    });
  });
});

describe('herald schemas check --against registry:<url>', () => {
  interface JsonViolation {
    rule: string;
    severity: string;
    file: string;
    message: string;
  }
  const check = () => {
    const result = herald('check', '--against', `registry:${registry.url}`, '--format', 'json');
    const report = JSON.parse(result.stdout) as {
      violations: JsonViolation[];
      summary: { registry: string };
    };
    return { status: result.status, report };
  };

  it('passes a pushed tree and warns about versions not pushed yet', () => {
    const { type, subject } = addPaymentType();
    const before = check();
    expect(before).toMatchObject({ status: 0 });
    expect(before.report.summary.registry).toBe(registry.url);
    expect(
      before.report.violations.map((v) => [v.rule, v.severity, v.file.split('/').slice(-2).join('/')]),
    ).toEqual([
      ['registry-version-missing', 'warning', `${type}/v1.avsc`],
      ['registry-version-missing', 'warning', `${type}/v2.avsc`],
    ]);
    expect(before.report.violations[0]?.message).toBe(
      `not in the registry yet: herald schemas push registers it as version 1 of ${subject}`,
    );
    expect(push().status).toBe(0);
    expect(check()).toEqual({ status: 0, report: expect.objectContaining({ violations: [] }) as unknown });
  });

  it('reports a deployed version edited locally and a registry ahead of the tree', () => {
    const { type, folder } = addPaymentType();
    expect(push().status).toBe(0);
    const v1 = readJson(join(folder, 'v1.avsc')) as Record<string, unknown>;
    writeFileSync(
      join(folder, 'v1.avsc'),
      JSON.stringify({ ...v1, doc: 'edited after publishing' }, null, 2),
    );
    rmSync(join(folder, 'v2.avsc'));
    const { status, report } = check();
    expect(status).toBe(1);
    const rules = report.violations.filter((v) => v.rule.startsWith('registry-'));
    expect(rules.map((v) => [v.rule, v.file.split('/').slice(-2).join('/')])).toEqual([
      ['registry-ahead', `${type.split('.')[0]}/${type}`],
      ['registry-version-edited', `${type}/v1.avsc`],
    ]);
  });

  it('exits 2 when the registry cannot be reached', () => {
    addPaymentType();
    const result = herald('check', '--against', 'registry:http://127.0.0.1:1');
    expect([result.status, result.stdout]).toEqual([2, '']);
    expect(result.stderr).toMatch(
      /^herald: cannot compare with the schema registry at http:\/\/127\.0\.0\.1:1/,
    );
  });
});
