/** An environment problem running the local Kafka (missing tool, busy port, bad state). */
export class LocalKafkaError extends Error {
  override name = 'LocalKafkaError';
}

/**
 * A node could not listen because another process holds one of its ports: found free before
 * the start, or (a race) taken before the JVM bound it, which the node's log says.
 */
export class LocalKafkaPortInUseError extends LocalKafkaError {
  override name = 'LocalKafkaPortInUseError';

  constructor(
    readonly port: number,
    message: string,
  ) {
    super(message);
  }
}
