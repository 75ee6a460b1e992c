/**
 * What the `publish`, `tail` and `replay` actions share: the error that means exit 2 (bad input
 * or an unusable environment; other failures exit 1) and a stdout write that waits (main exits
 * the process right after an action). No heavy imports here: every command loads it at start-up.
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

export function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
  );
}

/** Runs an action; a UsageError prints `herald <command>: message` and sets exit code 2. */
export async function runAction(command: string, action: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await action();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`herald ${command}: ${error.message}\n`);
    process.exitCode = 2;
  }
}
