/**
 * Read use cases of the audit trail: a page of a filtered search with an opaque cursor, one
 * event by id, and the whole result of a search as a stream (read in keyset pages, so an
 * export of millions of rows holds one page in memory). Input is validated here, at the
 * boundary, whatever edge it came through.
 */
import { encodeCursor } from './audit-cursor';
import { AuditEventNotFoundError } from './audit-errors';
import type { StoredAuditEvent } from './audit-event';
import { parseEventIdRequest, parseExportRequest, parsePageRequest } from './audit-requests';
import type { AuditStore } from './audit-store.port';

export interface AuditPage {
  readonly items: StoredAuditEvent[];
  /**
   * Pass as `cursor` for the rows after this page. Given even on the last page (null only when
   * nothing was found and no cursor was given), so a client can poll for newer rows.
   */
  readonly nextCursor: string | null;
  /** Whether more rows matched when this page was read. */
  readonly hasMore: boolean;
}

const EXPORT_PAGE_SIZE = 500;

export class AuditQueries {
  constructor(private readonly store: AuditStore) {}

  async page(query: unknown): Promise<AuditPage> {
    const { filter, after, limit } = parsePageRequest(query);
    // One row more than asked tells whether another page exists without a count query.
    const rows = await this.store.search(filter, after, limit + 1);
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    const nextCursor = last ? encodeCursor(last.sequence) : after === undefined ? null : encodeCursor(after);
    return { items, nextCursor, hasMore: rows.length > limit };
  }

  /** `parameters`: the request's other input (a query string). The lookup takes none; any is refused. */
  async find(eventId: unknown, parameters: unknown = {}): Promise<StoredAuditEvent> {
    const id = parseEventIdRequest(eventId, parameters);
    const event = await this.store.findById(id);
    if (!event) throw new AuditEventNotFoundError(id);
    return event;
  }

  /** Validates now (so bad input fails before any byte is sent), then streams lazily. */
  export(query: unknown): AsyncIterable<StoredAuditEvent> {
    const { filter, after } = parseExportRequest(query);
    const store = this.store;
    return {
      async *[Symbol.asyncIterator]() {
        let cursor = after;
        for (;;) {
          const rows = await store.search(filter, cursor, EXPORT_PAGE_SIZE);
          yield* rows;
          if (rows.length < EXPORT_PAGE_SIZE) return;
          cursor = rows[rows.length - 1]?.sequence;
        }
      },
    };
  }
}
