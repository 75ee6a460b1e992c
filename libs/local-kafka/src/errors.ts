/** An environment problem running the local Kafka (missing tool, busy port, bad state). */
export class LocalKafkaError extends Error {
  override name = 'LocalKafkaError';
}
