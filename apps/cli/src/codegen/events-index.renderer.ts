/**
 * Renders the generated `index.ts`: the root types of every event version, a namespace per version
 * module for its nested types (two versions may both define `PaymentMethod`, differently), and the
 * maps type → version → data that the SDK's typed `publish` and typed consumers are built on.
 */
import { docComment } from './version-module.renderer';
import { SCALARS_NAMESPACE } from './type-names';

export interface IndexedVersion {
  version: number;
  /** Module path relative to the output folder, e.g. `payments/payment-received.v2.ts`. */
  path: string;
  outputName: string;
  inputName: string;
}

export interface IndexedEventType {
  type: string;
  description: string;
  /** Ascending by version; the last one is the latest. */
  versions: readonly IndexedVersion[];
}

function specifier(path: string): string {
  return `./${path.replace(/\.ts$/, '')}`;
}

function imports(types: readonly IndexedEventType[]): string {
  const versions = types.flatMap((eventType) => eventType.versions);
  const imported = versions.map(
    (v) => `import type { ${v.outputName}, ${v.inputName} } from '${specifier(v.path)}';`,
  );
  const exported = versions.map((v) => `export type { ${v.outputName}, ${v.inputName} };`);
  const namespaces = versions.map(
    (v) => `export type * as ${v.outputName}Types from '${specifier(v.path)}';`,
  );
  return [imported, exported, namespaces].map((lines) => lines.join('\n')).join('\n\n');
}

function versionMap(types: readonly IndexedEventType[], name: 'outputName' | 'inputName'): string {
  return types
    .map((eventType) => {
      const latest = eventType.versions[eventType.versions.length - 1];
      const entries = eventType.versions.map((v) => `${v.version}: ${v[name]};`);
      if (latest !== undefined) entries.push(`latest: ${latest[name]};`);
      return `${docComment([eventType.description])}${JSON.stringify(eventType.type)}: {\n${entries.join('\n')}\n};`;
    })
    .join('\n');
}

export function renderEventsIndex(types: readonly IndexedEventType[], header: string): string {
  const names = types.map((eventType) => JSON.stringify(eventType.type));
  const latest = types.map(
    (t) => `${JSON.stringify(t.type)}: ${t.versions[t.versions.length - 1]?.version ?? 0},`,
  );
  return `${header}
${imports(types)}

/** Aliases that tell how Avro values are written in JSON (\`AvroJson.Long\`, \`AvroJson.Timestamp\`, ...). */
export type * as ${SCALARS_NAMESPACE} from './avro-json';

/** Every event type → version → its data as webhooks and consumers receive it (JSON). */
export interface EventTypes {
${versionMap(types, 'outputName')}
}

/** Every event type → version → its data as the gateway accepts it (JSON). */
export interface EventInputTypes {
${versionMap(types, 'inputName')}
}

/** The name of an event type of the catalog, e.g. \`payments.payment.received\`. */
export type EventTypeName = keyof EventTypes;

/** The published versions of an event type. */
export type EventVersion<T extends EventTypeName> = Exclude<keyof EventTypes[T], 'latest'>;

/** An event's data as received, at a version (default: the latest this code was generated with). */
export type EventData<T extends EventTypeName, V extends keyof EventTypes[T] = 'latest'> = EventTypes[T][V];

/** An event's data as the gateway accepts it, at a version (default: the latest). */
export type EventInput<
  T extends EventTypeName,
  V extends EventVersion<T> | 'latest' = 'latest',
> = EventInputTypes[T][V & keyof EventInputTypes[T]];

/** Every event type name, sorted. */
export const EVENT_TYPE_NAMES = [${names.join(', ')}] as const satisfies readonly EventTypeName[];

/** The latest version of each event type when these types were generated. */
export const LATEST_EVENT_VERSIONS = {
${latest.join('\n')}
} as const satisfies { readonly [T in EventTypeName]: EventVersion<T> };
`;
}
