/**
 * The `pinned-version` rule of `herald schemas check --pins`: webhook endpoints may pin, per event
 * type, the schema version their data is delivered in, and the webhooks app resolves every event
 * from its writer version to that pinned reader. The app refuses a pin that cannot read the later
 * versions it knows, but the pins live in its database, so a later schema change (a new version
 * the type's compatibility level allows, e.g. at BACKWARD) could break them unseen. This rule
 * checks each pinned (type, version) against every later version in the tree, the branch's new
 * ones included, with the checker from @app/schema (reader = the pinned version, writer = the
 * later one), and reports each problem in the later version's file.
 */
import { checkReaderWriter, type AvroSchemaJson, type CatalogProblem } from '@app/schema';

import type { CatalogSnapshot, TypeSnapshot, VersionSnapshot } from './catalog-snapshot.reader';
import type { Finding } from './finding.types';

/** One version of one type pinned by webhook endpoints (`GET /v1/pins` of the webhooks app). */
export interface PinInUse {
  readonly type: string;
  readonly version: number;
  /** How many endpoints pin it. */
  readonly endpoints: number;
}

/** Paths stay relative to the catalog root, as the tree rules' do. */
export function pinnedVersionFindings(
  head: CatalogSnapshot,
  problems: readonly CatalogProblem[],
  pins: readonly PinInUse[],
): Finding[] {
  return pins.flatMap((pin) => {
    const type = head.get(pin.type);
    if (type === undefined) {
      return [finding('.', '', `${pinHolders(pin)}, but the type is not in the catalog: ${MOVE_PINS_OFF}`)];
    }
    // A broken type is the catalog rule's finding; the checker needs valid Avro.
    if (problems.some((p) => p.file === type.folder || p.file.startsWith(`${type.folder}/`))) return [];
    const reader = type.versions.find((v) => v.version === pin.version);
    if (reader === undefined) {
      return [
        finding(
          type.folder,
          '',
          `${pinHolders(pin)}, but the version is not in the catalog: ${MOVE_PINS_OFF}`,
        ),
      ];
    }
    return type.versions
      .filter((writer) => writer.version > pin.version)
      .flatMap((writer) => unreadable(type, pin, reader, writer));
  });
}

const MOVE_PINS_OFF =
  'keep it in the catalog, or first take the pin out of those endpoints\' "versions" (PATCH /v1/endpoints/{id})';

function unreadable(
  type: TypeSnapshot,
  pin: PinInUse,
  reader: VersionSnapshot,
  writer: VersionSnapshot,
): Finding[] {
  const found = checkReaderWriter(reader.json as AvroSchemaJson, writer.json as AvroSchemaJson);
  const seen = new Set<string>();
  return found.flatMap((incompatibility) => {
    const pointer = incompatibility.writerPath === '/' ? '' : incompatibility.writerPath;
    const key = `${incompatibility.type} ${pointer}`;
    if (seen.has(key)) return [];
    seen.add(key);
    const level = type.level === undefined ? '' : ` (its compatibility is ${type.level})`;
    const message =
      `v${writer.version} cannot be read by version ${pin.version}, which ${pinHolders(pin, false)}${level}: ` +
      `${incompatibility.message}. Deliveries of v${writer.version} events to them would fail. ` +
      `Make v${writer.version} readable by version ${pin.version}, or first move those endpoints' pins ` +
      `${movePinsTo(type, pin.version)} (PATCH /v1/endpoints/{id} with "versions")`;
    return [finding(writer.file, pointer, message)];
  });
}

/** "3 webhook endpoints pin version 1 of orders.order.shipped" (or "... which 3 webhook endpoints pin"). */
function pinHolders(pin: PinInUse, full = true): string {
  const holders = pin.endpoints === 1 ? '1 webhook endpoint pins' : `${pin.endpoints} webhook endpoints pin`;
  return full ? `${holders} version ${pin.version} of ${pin.type}` : holders;
}

/**
 * The oldest later version that can read every version after it, which a pin can move to and
 * stay sound (the newest always qualifies); or dropping the pin (the data then comes in each
 * event's own version).
 */
function movePinsTo(type: TypeSnapshot, pinned: number): string {
  const later = type.versions.filter((v) => v.version > pinned);
  const sound = later.find((candidate) =>
    later
      .filter((v) => v.version > candidate.version)
      .every(
        (v) => checkReaderWriter(candidate.json as AvroSchemaJson, v.json as AvroSchemaJson).length === 0,
      ),
  );
  return sound === undefined ? 'off the type' : `to version ${sound.version} or drop them`;
}

function finding(file: string, pointer: string, message: string): Finding {
  return { rule: 'pinned-version', file, pointer, message };
}
