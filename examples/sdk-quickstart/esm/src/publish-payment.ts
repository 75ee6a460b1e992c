/**
 * Publishes one payments.payment.received event through the Herald gateway with @herald/sdk and
 * prints what was published: the event's data and where the gateway wrote it (id, topic,
 * partition, offset). Configured by HERALD_GATEWAY_URL (default http://127.0.0.1:8080) and
 * HERALD_API_KEY (`herald keys create --producer checkout --types 'payments.*'`).
 */
import { randomUUID } from 'node:crypto';
import { HeraldClient, type PaymentReceivedV2Input } from '@herald/sdk';

async function main(): Promise<void> {
  const apiKey = process.env['HERALD_API_KEY'];
  if (apiKey === undefined || apiKey === '') {
    throw new Error("set HERALD_API_KEY: herald keys create --producer checkout --types 'payments.*'");
  }
  const herald = new HeraldClient({
    url: process.env['HERALD_GATEWAY_URL'] ?? 'http://127.0.0.1:8080',
    apiKey,
  });

  // The generated type of version 2: a missing field or a wrong value is a compile error.
  const payment: PaymentReceivedV2Input = {
    payment_id: randomUUID(),
    merchant_id: 'm-42',
    amount_minor: 1250,
    currency: 'EUR',
    method: 'CARD',
    received_at: new Date().toISOString(),
  };
  // Resolves once Kafka has acknowledged the event; retries reuse its id, so it is written once.
  const published = await herald.publish('payments.payment.received', payment);
  console.log(JSON.stringify({ published, data: payment }, null, 2));
}

main().catch((error: unknown) => {
  // A HeraldError's message carries the gateway's answer, e.g. `422 ...: /data/currency: ...`.
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
