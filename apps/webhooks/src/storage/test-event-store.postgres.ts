/**
 * TestEventStore on PostgreSQL: a test event is a message without Kafka coordinates (it never
 * was in Kafka) and one delivery to its endpoint, `origin` test, due now, in one transaction that
 * notifies the delivery workers.
 */
import { sql, type Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { StoredMessage } from '../delivery/payload-renderer';
import type { TestEventStore } from '../domain/test-events';
import { guarded } from './endpoint-rows';
import { DELIVERIES_CHANNEL } from './fan-out-store';

export class PostgresTestEventStore implements TestEventStore {
  constructor(private readonly db: Kysely<unknown>) {}

  store(endpointId: string, message: StoredMessage): Promise<string | undefined> {
    return guarded(() =>
      this.db.transaction().execute(async (tx) => {
        const deliveryId = `dlv_${uuidv7()}`;
        const { rows } = await sql<{ id: string }>`
          WITH message AS (
            INSERT INTO messages (event_id, type, topic, time, source, subject, traceparent, value)
            SELECT ${message.eventId}, ${message.type}, ${message.topic}, ${message.time}, ${message.source},
                   ${message.subject}, NULL, ${message.value}
            WHERE EXISTS (SELECT 1 FROM endpoints WHERE id = ${endpointId})
            RETURNING id)
          INSERT INTO deliveries (id, endpoint_id, message_id, event_id, type, next_attempt_at, origin)
          SELECT ${deliveryId}, ${endpointId}, message.id, ${message.eventId}, ${message.type}, now(), 'test'
          FROM message
          RETURNING id`.execute(tx);
        if (rows[0] === undefined) return undefined;
        await sql`SELECT pg_notify(${DELIVERIES_CHANNEL}, '')`.execute(tx);
        return rows[0].id;
      }),
    );
  }
}
