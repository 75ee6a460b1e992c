/**
 * The endpoints' storage port (PostgreSQL adapter in storage/endpoint-store.postgres.ts; an
 * in-memory fake in the unit tests). Secrets cross it sealed only: the store never sees a
 * secret in clear.
 */
import type { Endpoint, EndpointFormat } from './endpoint';

export const ENDPOINT_STORE = Symbol('ENDPOINT_STORE');

/** What a subscriber sets: the fields of the create body, validated. */
export interface EndpointSettings {
  readonly url: string;
  readonly description: string;
  readonly types: readonly string[];
  readonly tenant: string | null;
  readonly versions: Readonly<Record<string, number>>;
  readonly format: EndpointFormat;
  readonly rateLimit: number | null;
  readonly ordered: boolean;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface NewEndpoint extends EndpointSettings {
  readonly id: string;
}

/** The whole new state of an updated endpoint. */
export interface EndpointChange extends EndpointSettings {
  readonly enabled: boolean;
  readonly disabledReason: string | null;
  /** Re-enabling restarts the "failing for too long" clock (failing_since). */
  readonly resetFailures: boolean;
}

/** A signing secret encrypted with the key `keyId` (AES-256-GCM: IV, tag and ciphertext). */
export interface SealedSecret {
  readonly keyId: string;
  readonly ciphertext: Buffer;
}

/** A secret row that still signs: the current one (`expiresAt` null) or one in its overlap. */
export interface StoredSecret extends SealedSecret {
  readonly serial: number;
  readonly expiresAt: Date | null;
}

export interface EndpointPage {
  readonly items: readonly Endpoint[];
  readonly hasMore: boolean;
}

/** One version of one type pinned by endpoints (disabled ones included), and by how many. */
export interface PinInUse {
  readonly type: string;
  readonly version: number;
  readonly endpoints: number;
}

export interface EndpointStore {
  /** The endpoint and its first secret, in one transaction. */
  create(endpoint: NewEndpoint, secret: SealedSecret): Promise<Endpoint>;
  find(id: string): Promise<Endpoint | undefined>;
  /** Endpoints in id (= creation) order, after `after` when given. */
  page(after: string | undefined, limit: number): Promise<EndpointPage>;
  /**
   * Locks the endpoint, asks `decide` for its new state given the current one (undefined: leave it
   * as it is; a throw aborts and writes nothing) and stores it. Undefined when there is no such endpoint.
   */
  update(
    id: string,
    decide: (current: Endpoint) => EndpointChange | undefined,
  ): Promise<Endpoint | undefined>;
  /** False when there was no such endpoint. Its secrets, deliveries and attempts go with it. */
  delete(id: string): Promise<boolean>;
  /**
   * Makes `secret` the current secret; every older one still signing stops at `oldExpiresAt` at the
   * latest, and those expired by `now` are deleted. False when there is no such endpoint.
   */
  rotateSecret(id: string, secret: SealedSecret, at: { now: Date; oldExpiresAt: Date }): Promise<boolean>;
  enabledEndpoints(): Promise<Endpoint[]>;
  /** Every (type, version) some endpoint pins, by type then version. */
  pinsInUse(): Promise<PinInUse[]>;
  /** The secrets of an endpoint that sign at `now`: the current one first, then newest first. */
  liveSecrets(id: string, now: Date): Promise<StoredSecret[]>;
}
