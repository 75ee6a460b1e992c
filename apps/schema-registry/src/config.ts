/** The schema-registry app's configuration: the environment variables it reads, validated at boot. */
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { brokerList, httpHost, kafkaSecurityVariables, logLevel, port, sharedGroupName } from '@app/platform';

/** True when `host` only accepts connections from this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  const address = host.replace(/^\[(.*)\]$/, '$1');
  return ipaddr.isValid(address) && ipaddr.process(address).range() === 'loopback';
}

const variables = z.object({
  REGISTRY_PORT: port(8081),
  HOST: httpHost,
  KAFKA_BROKERS: brokerList,
  ...kafkaSecurityVariables,
  LOG_LEVEL: logLevel,
  /**
   * The compacted, single-partition topic holding every schema, config and mode (Confluent's
   * `kafkastore.topic`). It also names the leader election (`<topic>_leader`, consumer group
   * `<topic>-leader-election`), so instances on one topic elect one writer; tests must set their own.
   */
  REGISTRY_TOPIC: sharedGroupName(
    z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a Kafka topic name (letters, digits, . _ -)'),
    '_schemas',
  ),
  /** How other instances reach this one to forward writes; defaults to http://127.0.0.1:<REGISTRY_PORT>. */
  REGISTRY_ADVERTISED_URL: z
    .url({ error: 'must be an http(s) URL such as http://registry-1:8081' })
    .optional(),
  /** Bound on each wait for the `_schemas` log (load, catch-up, one append); past it: 50002. */
  REGISTRY_STORE_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(10, 'must be at least 10 ms')
    .max(600_000, 'must be at most 600000 ms (10 minutes)')
    .default(10_000),
  /** When set, writes need `Authorization: Bearer <token>`; reads stay open. */
  REGISTRY_WRITE_TOKEN: z.string().min(1, 'must not be empty when set').optional(),
  /** When set (`user:password`), writes need that HTTP basic auth; reads stay open. */
  REGISTRY_BASIC_AUTH: z
    .string()
    .regex(/^[^:]+:.+$/, 'must be user:password, both non-empty')
    .optional(),
  /**
   * `none`: serve writes without credentials although HOST is reachable from other machines. Only
   * an explicit choice opens writes, deletes, config and mode changes to everyone who can connect.
   */
  REGISTRY_WRITE_AUTH: z.enum(['none'], { error: 'must be none, or unset' }).optional(),
});

/**
 * Write auth is optional on loopback only. Bound to anything else (HOST=0.0.0.0 in a container),
 * a registry without credentials would let anyone who reaches it register, permanently delete
 * and change config and mode: it refuses to start unless told REGISTRY_WRITE_AUTH=none.
 */
export const schemaRegistryConfigSchema = variables.superRefine((config, ctx) => {
  const credentials = config.REGISTRY_WRITE_TOKEN !== undefined || config.REGISTRY_BASIC_AUTH !== undefined;
  if (config.REGISTRY_WRITE_AUTH === 'none' && credentials) {
    ctx.addIssue({
      code: 'custom',
      path: ['REGISTRY_WRITE_AUTH'],
      message: 'is none, but REGISTRY_WRITE_TOKEN or REGISTRY_BASIC_AUTH is set too: unset one or the other',
    });
  }
  if (config.REGISTRY_WRITE_AUTH === undefined && !credentials && !isLoopbackHost(config.HOST)) {
    ctx.addIssue({
      code: 'custom',
      path: ['REGISTRY_WRITE_AUTH'],
      message:
        `HOST is ${config.HOST}, reachable beyond this machine, and writes have no credentials: set ` +
        'REGISTRY_WRITE_TOKEN (a bearer token) or REGISTRY_BASIC_AUTH (user:password), or ' +
        'REGISTRY_WRITE_AUTH=none to let anyone who reaches the registry register, delete and change config',
    });
  }
});

export type SchemaRegistryConfig = z.output<typeof schemaRegistryConfigSchema>;
