// Compile-time contract of `publish`/`publishBatch`: `npm run lint` type-checks this file, and every
// `@ts-expect-error` below must really be an error or the check fails. The calls never run (a
// fetch that is never reached); the runtime assertion only proves the file compiled and loaded.
import { HeraldClient } from './herald-client';

const payment = {
  payment_id: '0195f3c2-7a51-7cc2-9c1e-1f2a3b4c5d6e',
  merchant_id: 'm',
  amount_minor: 1250,
  currency: 'EUR',
  method: 'CARD',
  received_at: '2026-11-26T10:15:00Z',
} as const;

function typedCalls(client: HeraldClient): void {
  void client.publish('payments.payment.received', { ...payment, fee_minor: 30, card: null });
  void client.publish('payments.payment.received', payment, { version: 1, key: 'k', time: new Date() });
  // @ts-expect-error DIRECT_DEBIT only exists from version 2 on
  void client.publish('payments.payment.received', { ...payment, method: 'DIRECT_DEBIT' }, { version: 1 });
  // @ts-expect-error fee_minor is a version 2 field
  void client.publish('payments.payment.received', { ...payment, fee_minor: 1 }, { version: 1 });
  // @ts-expect-error version 3 does not exist
  void client.publish('payments.payment.received', payment, { version: 3 });
  // @ts-expect-error unknown event type
  void client.publish('payments.payment.refunded', payment);
  // @ts-expect-error a required field is missing
  void client.publish('payments.payment.received', { merchant_id: 'm' });
  // @ts-expect-error an unknown field
  void client.publish('payments.payment.received', { ...payment, amount: 1 });
  // @ts-expect-error a long is a number or a string, never a boolean
  void client.publish('payments.payment.received', { ...payment, amount_minor: true });
  void client.publishBatch([
    { type: 'payments.payment.received', data: payment },
    { type: 'payments.payment.received', version: 1, data: payment, id: 'x' },
  ]);
  // @ts-expect-error the batch entry's data does not match its type
  void client.publishBatch([{ type: 'users.user.registered', data: payment }]);
  void client.publishRaw('anything.at.all', { free: 'form' });
}

describe('publish typing', () => {
  it('compiles (see the @ts-expect-error lines, checked by tsc)', () => {
    expect(typeof typedCalls).toBe('function');
  });
});
