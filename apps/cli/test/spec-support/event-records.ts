/**
 * Event records written the way the gateway writes them, for tail and replay tests: a type's
 * schema registered in a test registry, values in the Confluent wire format (AvroCodec), and
 * the CloudEvents headers.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IHeaders } from 'kafkajs';
import { projectRoot } from '@app/config';
import { RegistryClient } from '@app/registry-client';
import { AvroCodec, JsonAvroMapping, type AvroSchemaJson } from '@app/schema';

export async function paymentSchema(version: 1 | 2): Promise<AvroSchemaJson> {
  const file = join(projectRoot(), 'schemas', 'payments', 'payments.payment.received', `v${version}.avsc`);
  return JSON.parse(await readFile(file, 'utf8')) as AvroSchemaJson;
}

export function paymentData(n: number, method = 'CARD'): Record<string, unknown> {
  return {
    payment_id: `0193a5e2-0000-7000-8000-${String(n).padStart(12, '0')}`,
    merchant_id: 'merchant-42',
    amount_minor: 1000 + n,
    currency: 'EUR',
    method,
    customer_id: null,
    processor_reference: null,
    received_at: '2026-11-27T10:15:00.000Z',
  };
}

/** Registers v1 and v2 of payments.payment.received under `<topic>-value`; encodes data as `version`. */
export class PaymentRecords {
  private constructor(
    private readonly ids: Map<number, number>,
    private readonly mappings: Map<number, JsonAvroMapping>,
    private readonly codec: AvroCodec,
  ) {}

  static async register(registryUrl: string, topic: string): Promise<PaymentRecords> {
    const registry = new RegistryClient({ url: registryUrl });
    const ids = new Map<number, number>();
    const mappings = new Map<number, JsonAvroMapping>();
    for (const version of [1, 2] as const) {
      const schema = await paymentSchema(version);
      ids.set(version, await registry.register(`${topic}-value`, schema));
      mappings.set(version, JsonAvroMapping.compile(schema));
    }
    return new PaymentRecords(ids, mappings, new AvroCodec(registry));
  }

  value(version: 1 | 2, data: unknown): Buffer {
    const mapping = this.mappings.get(version) as JsonAvroMapping;
    const converted = mapping.fromJson(data);
    if (!converted.ok) throw new Error(JSON.stringify(converted.issues));
    return this.codec.encode(this.ids.get(version) as number, mapping.type, converted.value);
  }
}

export function cloudEventHeaders(type: string, id: string): IHeaders {
  return {
    ce_specversion: '1.0',
    ce_id: id,
    ce_source: 'cli-test',
    ce_type: type,
    ce_time: '2026-11-27T10:15:00.000Z',
    'content-type': 'application/avro',
  };
}
