/**
 * Typed configuration, validated once at boot. Every app declares a zod schema over the
 * environment variables it reads; `loadConfig` is the only place that touches `process.env`,
 * and a bad value fails fast with a message that names the variable.
 */
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a TCP port number (1-65535)' })
    .int('must be a whole TCP port number (1-65535)')
    .min(1, 'must be a TCP port number (1-65535)')
    .max(65535, 'must be a TCP port number (1-65535)')
    .default(fallback);

export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'must be one of fatal, error, warn, info, debug, trace, silent',
  })
  .default('info');

/**
 * A comma-separated `host:port` list as broker addresses, or why it is not one. One rule for
 * every place brokers are given: environment variables here, `--brokers` in the CLI.
 */
export function splitBrokerList(value: string): { brokers: string[] } | { error: string } {
  const brokers = value
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  const bad = brokers.find((b) => !/^[^\s:]+:\d{1,5}$/.test(b));
  if (brokers.length === 0 || bad !== undefined) {
    return { error: `must be a comma-separated list of host:port, got "${bad ?? value}"` };
  }
  return { brokers };
}

function parseBrokers(value: string, ctx: z.RefinementCtx): string[] {
  const parsed = splitBrokerList(value);
  if ('error' in parsed) {
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  }
  return parsed.brokers;
}

/** Comma-separated `host:port` list, e.g. `127.0.0.1:9092,127.0.0.1:9094`; defaults to the local broker. */
export const brokerList = z.string().default('127.0.0.1:9092').transform(parseBrokers);

/** The same list with no default: unset stays `undefined` (the CLI then runs the local Kafka). */
export const optionalBrokerList = z.string().transform(parseBrokers).optional();

export const postgresUrl = z
  .string()
  .default('postgres://postgres@127.0.0.1:5432/herald')
  .refine((value) => /^postgres(ql)?:\/\/[^/]+\/[^/?]+/.test(value), {
    message: 'must be a postgres:// URL that names a database, e.g. postgres://user@host:5432/herald',
  });

export type Env = Readonly<Record<string, string | undefined>>;

/** Parses `env` with `schema`; throws ConfigError naming every bad variable. */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join('.');
    const raw = typeof issue.path[0] === 'string' ? env[issue.path[0]] : undefined;
    const shown = raw === undefined ? 'it is not set' : `got "${raw}"`;
    return `${variable}: ${issue.message} (${shown})`;
  });
  throw new ConfigError(problems);
}

/** Interface to bind; loopback by default so a dev machine does not expose its services. */
export const httpHost = z
  .string()
  .default('127.0.0.1')
  .refine((v) => v.length > 0, 'must be an interface address such as 127.0.0.1 or 0.0.0.0');
