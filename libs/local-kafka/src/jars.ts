/**
 * Resolves the Kafka broker classpath with Maven from the project's own pom
 * (infra/kafka/pom.xml) into a cache outside git, keyed by the pom's content so a version
 * bump resolves afresh. The copy lands in a temp dir and is renamed into place, so an
 * interrupted resolution never leaves a half-filled classpath behind.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '@app/config';
import { LocalKafkaError } from './errors';

export function requireTool(command: string, purpose: string): void {
  const probe = spawnSync(command, ['-version'], { stdio: 'ignore' });
  if (probe.error !== undefined) {
    throw new LocalKafkaError(
      `${command} was not found on PATH; ${purpose}. Install it (Java 17+ and Maven 3.8+), ` +
        'or set KAFKA_BROKERS to use a Kafka cluster you already run.',
    );
  }
}

export function kafkaClasspathDir(home: string, root: string = projectRoot()): string {
  const pom = readFileSync(join(root, 'infra', 'kafka', 'pom.xml'));
  const digest = createHash('sha256').update(pom).digest('hex').slice(0, 12);
  return join(home, 'jars', `kafka-${digest}`);
}

/** Returns the folder holding the broker jars, resolving them with Maven on first use. */
export function resolveKafkaJars(home: string, log: (line: string) => void): string {
  const root = projectRoot();
  const target = kafkaClasspathDir(home, root);
  if (existsSync(join(target, '.complete'))) return target;
  requireTool('mvn', 'Maven resolves the Kafka broker jars from Maven Central');
  log(`Resolving Kafka broker jars with Maven into ${target} (first run only)...`);
  const staging = `${target}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const result = spawnSync(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      join(root, 'infra', 'kafka', 'pom.xml'),
      'dependency:copy-dependencies',
      `-DoutputDirectory=${staging}`,
      '-DincludeScope=runtime',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const jars = existsSync(staging) ? readdirSync(staging).filter((f) => f.endsWith('.jar')) : [];
  if (result.status !== 0 || !jars.some((j) => j.startsWith('kafka_2.13-'))) {
    rmSync(staging, { recursive: true, force: true });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new LocalKafkaError(`Maven could not resolve the Kafka jars (exit ${result.status}):\n${output}`);
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  writeFileSync(join(target, '.complete'), `${jars.length} jars\n`);
  return target;
}
