/**
 * Typed configuration, validated once at boot. Every app declares a zod schema over the
 * environment variables it reads; `loadConfig` is the only place that touches `process.env`,
 * and a bad value fails fast with a message that names the variable. Consumer group names are
 * declared with `consumerGroupId`, so a test run can forbid their production defaults.
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

/**
 * Set (to `1` or `true`) by the Jest global setup: every app a test boots must then name its own
 * consumer groups. A test run may share its broker with a running platform (`npm run up`), and
 * an app in the production group would take partitions from the real instance and commit its
 * offsets past events the real one never read.
 */
export const REFUSE_DEFAULT_GROUPS = 'HERALD_REFUSE_DEFAULT_GROUPS';

/** Fields whose default every production instance shares; the value is that default. */
const sharedDefaults = z.registry<{ fallback: string }>();

/**
 * A name every production instance of an app shares by default: its consumer group, or a name
 * its groups are derived from (the registry's topic). Under HERALD_REFUSE_DEFAULT_GROUPS,
 * loadConfig refuses the default value. Chain further refinements onto `field`, not onto the
 * result: zod methods return new schemas, which would lose the mark.
 */
export function sharedGroupName(field: z.ZodString, fallback: string) {
  const named = field.default(fallback);
  sharedDefaults.add(named, { fallback });
  return named;
}

/** A Kafka consumer group id, `fallback` unless set; the one rule for every app's group. */
export const consumerGroupId = (fallback: string) =>
  sharedGroupName(z.string().min(1, 'must not be empty'), fallback);

const isOn = (value: string | undefined) => value === '1' || value === 'true';

/**
 * Whether default group names are refused: the flag in `env`, or in this process's own
 * environment. The second matters for apps a test boots in-process: their env is a literal the
 * test wrote, but the process is still a test run.
 */
export function refusesDefaultGroups(env: Env): boolean {
  return isOn(env[REFUSE_DEFAULT_GROUPS]) || isOn(process.env[REFUSE_DEFAULT_GROUPS]);
}

/** The variables of an app's config schema (a z.object, possibly piped into a transform). */
function variablesOf(schema: z.ZodType): Record<string, z.ZodType> {
  if (schema instanceof z.ZodObject) return schema.shape;
  if (schema instanceof z.ZodPipe) return variablesOf(schema.in as z.ZodType);
  return {};
}

function defaultGroupProblems(schema: z.ZodType, config: unknown, env: Env): string[] {
  if (!refusesDefaultGroups(env)) return [];
  const values = config as Record<string, unknown>;
  return Object.entries(variablesOf(schema)).flatMap(([variable, field]) => {
    const fallback = sharedDefaults.get(field)?.fallback;
    if (fallback === undefined || values[variable] !== fallback) return [];
    return [
      `${variable}: is "${fallback}", the default every production instance shares, and ` +
        `${REFUSE_DEFAULT_GROUPS} is set (a test run): give this app its own ${variable} (uniqueName() in @app/testing)`,
    ];
  });
}

/** Variables whose values are never echoed in an error (passwords, tokens). */
const secrets = z.registry();

/** Marks a variable as a secret: a bad value is reported as set but hidden, never printed. */
export function secret<T extends z.ZodType>(field: T): T {
  secrets.add(field);
  return field;
}

/** Problems of a combination of variables: each names the variable to change. */
export type CrossCheck = (
  values: Readonly<Record<string, unknown>>,
) => { variable: string; message: string }[];

const crossChecks = z.registry<{ check: CrossCheck }>();

/**
 * Attaches a check over the parsed values of the whole config to `field`: loadConfig runs it
 * when `field` is one of the app's variables. How a group of variables spread into many apps'
 * schemas (the Kafka TLS and SASL settings) refuses combinations without each app adding a
 * superRefine.
 */
export function crossChecked<T extends z.ZodType>(field: T, check: CrossCheck): T {
  crossChecks.add(field, { check });
  return field;
}

function crossCheckProblems(schema: z.ZodType, config: unknown): string[] {
  if (typeof config !== 'object' || config === null) return [];
  return Object.values(variablesOf(schema)).flatMap((field) => {
    const check = crossChecks.get(field)?.check;
    return check ? check(config as Record<string, unknown>).map((p) => `${p.variable}: ${p.message}`) : [];
  });
}

/**
 * Parses `env` with `schema`; throws ConfigError naming every bad variable (a secret's value
 * hidden), every refused combination, and every default group name while
 * HERALD_REFUSE_DEFAULT_GROUPS is set.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const fields = variablesOf(schema);
    const problems = result.error.issues.map((issue) => {
      const variable = issue.path.join('.');
      const name = issue.path[0];
      const raw = typeof name === 'string' ? env[name] : undefined;
      const hidden = typeof name === 'string' && fields[name] !== undefined && secrets.has(fields[name]);
      const shown = raw === undefined ? 'it is not set' : hidden ? 'set; value hidden' : `got "${raw}"`;
      return `${variable}: ${issue.message} (${shown})`;
    });
    throw new ConfigError(problems);
  }
  const combined = crossCheckProblems(schema, result.data);
  if (combined.length > 0) throw new ConfigError(combined);
  const refused = defaultGroupProblems(schema, result.data, env);
  if (refused.length > 0) throw new ConfigError(refused);
  return result.data;
}

/** Interface to bind; loopback by default so a dev machine does not expose its services. */
/** An optional regular expression (unset or empty: undefined), refused with a clear message when it does not compile. */
export const optionalRegExp = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '') return undefined;
    try {
      return new RegExp(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a regular expression' });
      return z.NEVER;
    }
  });

export const httpHost = z
  .string()
  .default('127.0.0.1')
  .refine((v) => v.length > 0, 'must be an interface address such as 127.0.0.1 or 0.0.0.0');
