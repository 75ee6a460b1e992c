/**
 * The one failure the CLI's use cases (publish, tail, replay, webhooks, analytics) and its
 * commands share: the command line is wrong or something it needs is unusable, which the commands
 * turn into exit code 2 (other failures exit 1). A neutral module, so that the use cases do not
 * import their command adapter (commands/); no heavy imports: every command loads it at start-up.
 */

/** The command line is wrong, or something it needs (Kafka, the registry, a file) is unusable: exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Connects a kafkajs client; an unreachable cluster is an environment problem (exit 2). */
export async function connectKafka(client: { connect(): Promise<void> }): Promise<void> {
  await client.connect().catch((error: unknown) => {
    throw new UsageError(`cannot reach Kafka: ${(error as Error).message}`);
  });
}
