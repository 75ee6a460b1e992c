/**
 * The endpoint rules that need more than the request: the catalog (patterns name types that
 * exist; a pinned version exists and can read every later version of its type) and the
 * destination policy (SSRF, scheme, credentials). The catalog is fixed for the life of the
 * process, so reader/writer verdicts are computed once per pin.
 */
import { checkReaderWriter, type Catalog, type EventTypeDefinition } from '@app/schema';
import { patternMatches } from './endpoint';
import { EndpointsUnavailableError, type RequestIssue } from './endpoint-errors';
import { LIMITS, pointer } from './endpoint-requests';
import type { DestinationPolicy } from './ports';

const DOMAIN_PATTERN = /^[a-z][a-z0-9-]*\.\*$/;

export class EndpointRules {
  private readonly types: ReadonlyMap<string, EventTypeDefinition>;
  private readonly domains: ReadonlySet<string>;
  private readonly pinVerdicts = new Map<string, readonly string[]>();

  constructor(
    catalog: Catalog,
    private readonly policy: DestinationPolicy,
  ) {
    this.types = new Map(catalog.eventTypes.map((t) => [t.type, t]));
    this.domains = new Set(catalog.eventTypes.map((t) => t.domain));
  }

  /** Problems of the patterns and pins, at `/types/<i>` and `/versions/<type>`. */
  catalogIssues(settings: {
    readonly types: readonly string[];
    readonly versions: Readonly<Record<string, number>>;
  }): RequestIssue[] {
    const issues: RequestIssue[] = [];
    settings.types.forEach((p, i) => {
      const message = this.patternProblem(p);
      if (message !== undefined) issues.push({ path: pointer(['types', i]), message });
    });
    for (const [type, version] of Object.entries(settings.versions)) {
      for (const message of this.pinProblems(type, version, settings.types)) {
        issues.push({ path: pointer(['versions', type]), message });
      }
    }
    return issues;
  }

  /**
   * The URL as it will be called (WHATWG-normalised: `http://0x7f.1` is `http://127.0.0.1/`, so
   * the policy judges what the sender connects to), or the problems with it at `/url`.
   */
  async destination(raw: string): Promise<{ url: string; issues: RequestIssue[] }> {
    const refuse = (message: string) => ({ url: raw, issues: [{ path: '/url', message }] });
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      return refuse('must be an absolute http(s) URL, such as https://hooks.example.com/herald');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return refuse(`must use http or https, not ${parsed.protocol.slice(0, -1)}`);
    }
    if (parsed.username !== '' || parsed.password !== '') {
      return refuse('must not contain credentials (user:password@); put a token in the path or query');
    }
    if (parsed.href.includes('#')) return refuse('must not have a fragment (#...): it is never sent');
    if (parsed.href.length > LIMITS.urlLength) {
      return refuse(`must be at most ${LIMITS.urlLength} characters once normalised (${parsed.href})`);
    }
    let refusal: string | undefined;
    try {
      refusal = await this.policy.refusal(parsed.href);
    } catch (error) {
      throw new EndpointsUnavailableError('cannot check the destination URL now; try again', {
        cause: error,
      });
    }
    return refusal === undefined ? { url: parsed.href, issues: [] } : refuse(refusal);
  }

  private patternProblem(pattern: string): string | undefined {
    if (pattern === '*' || this.types.has(pattern)) return undefined;
    if (DOMAIN_PATTERN.test(pattern)) {
      const domain = pattern.slice(0, -2);
      return this.domains.has(domain) ? undefined : `no event type of domain "${domain}" is in the catalog`;
    }
    if (pattern.includes('*')) {
      return 'only "*", "<domain>.*" and exact event types are patterns (no other wildcards)';
    }
    return `"${pattern}" is not an event type in the catalog`;
  }

  private pinProblems(type: string, version: number, patterns: readonly string[]): readonly string[] {
    const definition = this.types.get(type);
    if (definition === undefined) return ['is not an event type in the catalog (a pin names one exact type)'];
    if (!patterns.some((p) => patternMatches(p, type))) {
      return ["the endpoint's types do not take this type, so there is nothing to pin"];
    }
    const latest = definition.latest.version;
    if (version > latest) return [`version ${version} does not exist (${type} has versions 1 to ${latest})`];
    const key = `${type}@${version}`;
    let verdict = this.pinVerdicts.get(key);
    if (verdict === undefined) {
      verdict = unreadableLaterVersions(definition, version);
      this.pinVerdicts.set(key, verdict);
    }
    return verdict;
  }
}

/** One problem per later version the pinned one cannot read, naming it and the first reason. */
function unreadableLaterVersions(definition: EventTypeDefinition, pinned: number): string[] {
  const reader = definition.versions.find((v) => v.version === pinned)!;
  return definition.versions
    .filter((writer) => writer.version > pinned)
    .flatMap((writer) => {
      const [first] = checkReaderWriter(reader.schema, writer.schema);
      if (first === undefined) return [];
      return [
        `version ${pinned} cannot read version ${writer.version} of ${definition.type} ` +
          `(its compatibility is ${definition.metadata.compatibility}): ${first.type} at ${first.path}: ${first.message}`,
      ];
    });
}
