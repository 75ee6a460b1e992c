/**
 * Which data field names an event's tenant: the catalog's `tenant:` per event type. The value is
 * read from the avsc value (a string field, or a nullable union of one); a type the catalog does
 * not know, or an event whose field is empty or null, has no tenant (only endpoints without a
 * tenant receive it).
 */
import type { Catalog } from '@app/schema';

export const TENANT_FIELDS = Symbol('TENANT_FIELDS');

export class TenantFields {
  private readonly fields: ReadonlyMap<string, string>;

  constructor(catalog: Catalog) {
    this.fields = new Map(catalog.eventTypes.map((t) => [t.type, t.metadata.tenant]));
  }

  tenantOf(type: string, data: unknown): string | null {
    const field = this.fields.get(type);
    if (field === undefined || typeof data !== 'object' || data === null) return null;
    let value: unknown = (data as Record<string, unknown>)[field];
    // avsc wraps union values: {"string": "t-1"}.
    if (typeof value === 'object' && value !== null) {
      const branches = Object.values(value);
      value = branches.length === 1 ? branches[0] : undefined;
    }
    return typeof value === 'string' && value !== '' ? value : null;
  }
}
