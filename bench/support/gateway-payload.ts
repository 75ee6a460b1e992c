/** What the gateway benchmarks share: the event they publish and the small statistics they report. */
import { loadavg } from 'node:os';

export const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
export const round2 = (x: number): number => Math.round(x * 100) / 100;
export const load = (): number[] => loadavg().map(round2);

/** A realistic payments.payment.received v2 payment (~300 B as a gateway envelope); `n` makes it unique. */
export function payment(n: number): Record<string, unknown> {
  return {
    payment_id: `0190f3c4-8a1b-7c3d-9e4f-${String(n).padStart(12, '0')}`,
    merchant_id: 'merchant-42',
    amount_minor: 12_550 + n,
    currency: 'EUR',
    method: 'CARD',
    processor_reference: 'psp_3Nq8x2',
    received_at: '2026-11-27T10:15:00.123Z',
    card: { brand: 'VISA', last4: '4242' },
  };
}
