/**
 * A small client for the Confluent Schema Registry REST API (ours on :8081, or Confluent's):
 * the port every Herald process uses to turn a subject/version into a schema id and an id
 * back into a schema. Ids are immutable, so schemas by id are cached forever; "latest"
 * lookups are never cached here (callers decide how fresh they need them to be).
 */
import { Agent, fetch as undiciFetch } from 'undici';
import type { AvroSchemaJson, CompatibilityLevel, SchemaSource } from '@app/schema';
import { UnknownSchemaIdError } from '@app/schema';
import { RegistryError } from './registry-error';

export interface RegistryClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:8081`. */
  readonly url: string;
  /** Per-request timeout; a registry that does not answer is a retriable failure. */
  readonly timeoutMs?: number;
  /** Sent as `Authorization: Bearer …` on writes when the registry requires a write token. */
  readonly writeToken?: string;
  /** HTTP basic auth sent on every request (a registry behind auth, Confluent Cloud's key:secret). */
  readonly basicAuth?: { readonly username: string; readonly password: string };
  /** Sent as `Authorization: Bearer …` on every request (writeToken, when set, wins on writes). */
  readonly token?: string;
  /** PEM CA bundle an https registry's certificate is checked against (a private CA). */
  readonly ca?: string;
}

export interface RegisteredSchema {
  readonly subject: string;
  readonly id: number;
  readonly version: number;
  readonly schema: AvroSchemaJson;
}

export interface SubjectVersionRef {
  readonly subject: string;
  readonly version: number;
}

const JSON_TYPE = 'application/vnd.schemaregistry.v1+json';

interface ErrorBody {
  error_code?: number;
  message?: string;
}

export class RegistryClient implements SchemaSource {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly byId = new Map<number, Promise<AvroSchemaJson>>();
  private readonly refsById = new Map<number, Promise<SubjectVersionRef[]>>();

  /** Set with a custom CA: the connections trust it (undici's Agent connect options). */
  private readonly dispatcher: Agent | undefined;
  private readonly authorization: string | undefined;

  constructor(private readonly options: RegistryClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.dispatcher = options.ca === undefined ? undefined : new Agent({ connect: { ca: options.ca } });
    const basic = options.basicAuth;
    this.authorization =
      basic !== undefined
        ? `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`
        : options.token !== undefined
          ? `Bearer ${options.token}`
          : undefined;
  }

  /** Closes the connections of a custom-CA client (the shared global pool needs nothing). */
  async close(): Promise<void> {
    await this.dispatcher?.close();
  }

  get url(): string {
    return this.base;
  }

  /** The writer schema of a wire-format id (SchemaSource). Cached for the life of the client. */
  schemaById(id: number): Promise<AvroSchemaJson> {
    let pending = this.byId.get(id);
    if (!pending) {
      pending = this.request<{ schema: string }>('GET', `/schemas/ids/${id}`).then(
        (body) => JSON.parse(body.schema) as AvroSchemaJson,
        (error: unknown) => {
          this.byId.delete(id);
          if (error instanceof RegistryError && error.errorCode === 40403) throw new UnknownSchemaIdError(id);
          throw error;
        },
      );
      this.byId.set(id, pending);
    }
    return pending;
  }

  /** The subject/version pairs that registered this id (cached: a registration never moves). */
  versionsOfId(id: number): Promise<SubjectVersionRef[]> {
    let pending = this.refsById.get(id);
    if (!pending) {
      pending = this.request<SubjectVersionRef[]>('GET', `/schemas/ids/${id}/versions`);
      pending.catch(() => this.refsById.delete(id));
      this.refsById.set(id, pending);
    }
    return pending;
  }

  /** A version of a subject (`'latest'` for the newest), or undefined when it does not exist. */
  async version(subject: string, version: number | 'latest'): Promise<RegisteredSchema | undefined> {
    try {
      const body = await this.request<{ subject: string; id: number; version: number; schema: string }>(
        'GET',
        `/subjects/${encodeURIComponent(subject)}/versions/${version}`,
      );
      const schema = JSON.parse(body.schema) as AvroSchemaJson;
      if (!this.byId.has(body.id)) this.byId.set(body.id, Promise.resolve(schema));
      return { subject: body.subject, id: body.id, version: body.version, schema };
    } catch (error) {
      if (error instanceof RegistryError && (error.errorCode === 40401 || error.errorCode === 40402)) {
        return undefined;
      }
      throw error;
    }
  }

  /** Every version number of a subject, ascending; empty when the subject does not exist. */
  async versions(subject: string): Promise<number[]> {
    try {
      return await this.request<number[]>('GET', `/subjects/${encodeURIComponent(subject)}/versions`);
    } catch (error) {
      if (error instanceof RegistryError && error.errorCode === 40401) return [];
      throw error;
    }
  }

  async subjects(): Promise<string[]> {
    return this.request<string[]>('GET', '/subjects');
  }

  /** Registers a schema under a subject (idempotent for an identical schema) and returns its id. */
  async register(subject: string, schema: AvroSchemaJson): Promise<number> {
    const body = await this.request<{ id: number }>(
      'POST',
      `/subjects/${encodeURIComponent(subject)}/versions`,
      { schemaType: 'AVRO', schema: JSON.stringify(schema) },
      true,
    );
    return body.id;
  }

  /** The id and version under which this exact schema is registered, or undefined. */
  async lookup(subject: string, schema: AvroSchemaJson): Promise<RegisteredSchema | undefined> {
    try {
      const body = await this.request<{ subject: string; id: number; version: number }>(
        'POST',
        `/subjects/${encodeURIComponent(subject)}`,
        { schemaType: 'AVRO', schema: JSON.stringify(schema) },
      );
      return { ...body, schema };
    } catch (error) {
      if (error instanceof RegistryError && (error.errorCode === 40401 || error.errorCode === 40403)) {
        return undefined;
      }
      throw error;
    }
  }

  /** The subject's own compatibility level, or undefined when it inherits the global one. */
  async compatibility(subject: string): Promise<CompatibilityLevel | undefined> {
    try {
      const body = await this.request<{ compatibilityLevel: CompatibilityLevel }>(
        'GET',
        `/config/${encodeURIComponent(subject)}`,
      );
      return body.compatibilityLevel;
    } catch (error) {
      if (error instanceof RegistryError && (error.errorCode === 40401 || error.errorCode === 40408)) {
        return undefined;
      }
      throw error;
    }
  }

  async setCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    await this.request('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level }, true);
  }

  private async request<T>(method: string, path: string, body?: unknown, write = false): Promise<T> {
    const headers: Record<string, string> = { accept: JSON_TYPE };
    if (body !== undefined) headers['content-type'] = JSON_TYPE;
    if (this.authorization !== undefined) headers.authorization = this.authorization;
    if (write && this.options.writeToken) headers.authorization = `Bearer ${this.options.writeToken}`;
    let response: Pick<Response, 'ok' | 'status' | 'text'>;
    try {
      const init = {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      };
      response =
        this.dispatcher === undefined
          ? await fetch(`${this.base}${path}`, init)
          : await undiciFetch(`${this.base}${path}`, { ...init, dispatcher: this.dispatcher });
    } catch (error) {
      throw RegistryError.unreachable(`${method} ${this.base}${path}`, error);
    }
    const text = await response.text();
    if (!response.ok) {
      let parsed: ErrorBody = {};
      try {
        parsed = JSON.parse(text) as ErrorBody;
      } catch {
        // a proxy or a non-registry server: keep the raw text in the message
      }
      throw RegistryError.fromResponse(
        `${method} ${path}`,
        response.status,
        parsed.error_code,
        parsed.message ?? text,
      );
    }
    return JSON.parse(text) as T;
  }
}
