/**
 * The endpoints admin use cases: create (with its secret, shown once), list, get, update,
 * delete, rotate the signing secret, and the pins in use (for the schema check in CI). Each takes the request's raw input and validates it here,
 * at the use-case boundary: shape (endpoint-requests.ts), then catalog and destination rules
 * (endpoint-rules.ts), and writes only what passed all of them.
 */
import type { Endpoint } from './endpoint';
import { EndpointNotFoundError, InvalidEndpointRequestError, type RequestIssue } from './endpoint-errors';
import { encodeEndpointCursor, newEndpointId } from './endpoint-ids';
import {
  parseCreateRequest,
  parseEndpointId,
  parseNoParameters,
  parsePageRequest,
  parseRotateRequest,
  parseUpdateRequest,
  type UpdateRequest,
} from './endpoint-requests';
import type { EndpointRules } from './endpoint-rules';
import type { EndpointChange, EndpointStore, PinInUse, SealedSecret } from './endpoint-store.port';

export const SECRET_ISSUER = Symbol('SECRET_ISSUER');
export const ADMIN_CLOCK = Symbol('ADMIN_CLOCK');

/** A new signing secret: in clear (shown once) and sealed for storage, bound to its endpoint. */
export interface SecretIssuer {
  issue(endpointId: string): { readonly secret: string; readonly sealed: SealedSecret };
}

export interface AdminClock {
  now(): Date;
}

export interface CreatedEndpoint extends Endpoint {
  /** `whsec_<base64>`: returned by the create call only. */
  readonly secret: string;
}

export interface RotatedSecret {
  readonly secret: string;
  /** When the secrets used until now stop signing. */
  readonly previousSecretExpiresAt: string;
}

export interface EndpointListPage {
  readonly items: readonly Endpoint[];
  readonly nextCursor: string | null;
  readonly hasMore: boolean;
}

/** `GET /v1/pins`: what `herald schemas check --pins` checks later schema versions against. */
export interface PinsInUse {
  readonly pins: readonly PinInUse[];
}

/** Why an endpoint disabled through the API is disabled. */
export const DISABLED_BY_OPERATOR = 'disabled through the admin API';

export class EndpointAdmin {
  constructor(
    private readonly store: EndpointStore,
    private readonly rules: EndpointRules,
    private readonly secrets: SecretIssuer,
    private readonly clock: AdminClock,
    private readonly defaultOverlapMs: number,
  ) {}

  async create(body: unknown, query: unknown): Promise<CreatedEndpoint> {
    const request = parseCreateRequest(body, query);
    const catalogIssues = this.rules.catalogIssues(request);
    const destination = await this.rules.destination(request.url);
    refuseIf([...destination.issues, ...catalogIssues]);
    const id = newEndpointId();
    const issued = this.secrets.issue(id);
    const endpoint = await this.store.create({ ...request, id, url: destination.url }, issued.sealed);
    return { ...endpoint, secret: issued.secret };
  }

  async list(query: unknown): Promise<EndpointListPage> {
    const request = parsePageRequest(query);
    const page = await this.store.page(request.after, request.limit);
    const last = page.items.at(-1);
    return {
      items: page.items,
      nextCursor: page.hasMore && last !== undefined ? encodeEndpointCursor(last.id) : null,
      hasMore: page.hasMore,
    };
  }

  async get(id: unknown, query: unknown): Promise<Endpoint> {
    const endpointId = parseEndpointId(id, query);
    const endpoint = await this.store.find(endpointId);
    if (endpoint === undefined) throw new EndpointNotFoundError(endpointId);
    return endpoint;
  }

  async update(id: unknown, body: unknown, query: unknown): Promise<Endpoint> {
    const endpointId = parseEndpointId(id, query);
    const patch = parseUpdateRequest(body);
    const destination = patch.url === undefined ? undefined : await this.rules.destination(patch.url);
    const updated = await this.store.update(endpointId, (current) => {
      const next = merged(current, patch, destination?.url);
      // Patterns and pins are checked together whenever either changes (a narrower `types`
      // can orphan a pin); an untouched endpoint is not re-judged against today's catalog.
      const touchesCatalog = patch.types !== undefined || patch.versions !== undefined;
      refuseIf([...(destination?.issues ?? []), ...(touchesCatalog ? this.rules.catalogIssues(next) : [])]);
      return Object.keys(patch).length === 0 ? undefined : next;
    });
    if (updated === undefined) throw new EndpointNotFoundError(endpointId);
    return updated;
  }

  async delete(id: unknown, query: unknown): Promise<void> {
    const endpointId = parseEndpointId(id, query);
    if (!(await this.store.delete(endpointId))) throw new EndpointNotFoundError(endpointId);
  }

  /**
   * Every pinned (type, version) with how many endpoints pin it, disabled ones included: their
   * deliveries wait and are rendered in the pinned version once they are enabled again.
   */
  async pins(query: unknown): Promise<PinsInUse> {
    parseNoParameters(query);
    return { pins: await this.store.pinsInUse() };
  }

  async rotateSecret(id: unknown, body: unknown, query: unknown): Promise<RotatedSecret> {
    const endpointId = parseEndpointId(id, query);
    const { overlapMs = this.defaultOverlapMs } = parseRotateRequest(body);
    const issued = this.secrets.issue(endpointId);
    const now = this.clock.now();
    const previousExpiresAt = new Date(now.getTime() + overlapMs);
    if (
      !(await this.store.rotateSecret(endpointId, issued.sealed, { now, oldExpiresAt: previousExpiresAt }))
    ) {
      throw new EndpointNotFoundError(endpointId);
    }
    return { secret: issued.secret, previousSecretExpiresAt: previousExpiresAt.toISOString() };
  }
}

function refuseIf(issues: readonly RequestIssue[]): void {
  if (issues.length > 0) throw new InvalidEndpointRequestError('body', issues);
}

function merged(current: Endpoint, patch: UpdateRequest, url: string | undefined): EndpointChange {
  const enabled = patch.enabled ?? current.enabled;
  return {
    url: url ?? current.url,
    description: patch.description ?? current.description,
    types: patch.types ?? current.types,
    tenant: patch.tenant !== undefined ? patch.tenant : current.tenant,
    versions: patch.versions ?? current.versions,
    format: patch.format ?? current.format,
    rateLimit: patch.rateLimit !== undefined ? patch.rateLimit : current.rateLimit,
    ordered: patch.ordered ?? current.ordered,
    metadata: patch.metadata ?? current.metadata,
    enabled,
    // Disabling keeps the reason of an endpoint already disabled (a 410, failing for too long).
    disabledReason: enabled ? null : current.enabled ? DISABLED_BY_OPERATOR : current.disabledReason,
    resetFailures: enabled && !current.enabled,
  };
}
