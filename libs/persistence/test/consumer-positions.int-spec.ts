import { sql } from 'kysely';
import {
  CONSUMER_POSITION_STATEMENTS,
  GroupMismatchError,
  PositionConflictError,
  PostgresConsumerPositions,
  claimConsumerGroup,
} from '@app/persistence';
import { createTestSchema, type TestSchema } from '@app/testing';

describe('consumer positions in PostgreSQL', () => {
  let schema: TestSchema<unknown>;

  beforeEach(async () => {
    schema = await createTestSchema('positions');
    for (const statement of CONSUMER_POSITION_STATEMENTS) {
      await sql.raw(statement).execute(schema.db);
    }
  });
  afterEach(() => schema.drop());

  it('stores positions with compare-and-set: a write from a stale position fails and changes nothing', async () => {
    const positions = new PostgresConsumerPositions(schema.db);
    const write = (previousOffset: string | undefined, nextOffset: string) =>
      schema.db
        .transaction()
        .execute((tx) =>
          PostgresConsumerPositions.save(tx, { topic: 't', partition: 1, previousOffset, nextOffset }),
        );
    await write(undefined, '10');
    await expect(write(undefined, '12')).rejects.toBeInstanceOf(PositionConflictError);
    await write('10', '20');
    await expect(write('10', '30')).rejects.toThrow('is no longer 10');
    expect(await positions.load('t', [0, 1, 2])).toEqual(new Map([[1, '20']]));
    await write('20', '9007199254740993');
    expect((await positions.load('t', [1])).get(1)).toBe('9007199254740993');
  });

  it('belongs to the first consumer group that claims it and refuses any other', async () => {
    await claimConsumerGroup(schema.db, 'audit-a', 'audit');
    await claimConsumerGroup(schema.db, 'audit-a', 'audit');
    await expect(claimConsumerGroup(schema.db, 'audit-b', 'audit')).rejects.toThrow(GroupMismatchError);
    await expect(claimConsumerGroup(schema.db, 'audit-b', 'audit')).rejects.toThrow(
      'holds the positions of consumer group "audit-a", not "audit-b"',
    );
  });
});
