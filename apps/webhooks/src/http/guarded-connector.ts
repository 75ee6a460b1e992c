/**
 * An undici connector that opens sockets only to addresses the destination rules allowed, at the
 * moment of connecting. Names are resolved once, by the `lookup` the socket itself uses: every
 * record is checked and the socket can only pick among those, so a DNS answer that changes between
 * a check and the connect (rebinding) cannot reach an unchecked address. TLS keeps the hostname for
 * SNI and certificate verification, since only the address lookup is replaced.
 */
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { rootCertificates, type ConnectionOptions } from 'node:tls';
import { buildConnector } from 'undici';
import { parseAddress } from './address-classification';
import type { DestinationGuard } from './destination-policy';

export interface GuardedConnectorOptions {
  readonly guard: DestinationGuard;
  /** Extra trusted CAs (receivers behind a private CA); the system's roots stay trusted. */
  readonly ca?: ConnectionOptions['ca'];
}

/**
 * Attempts end at their own deadline (the sender races it, since undici cannot abort a request
 * that is still connecting); this only bounds how long an abandoned connect keeps its socket.
 */
const CONNECT_TIMEOUT_MS = 30_000;

export function guardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
  const { guard } = options;
  const base = buildConnector({
    lookup: guardedLookup(guard),
    timeout: CONNECT_TIMEOUT_MS,
    // Node's `ca` replaces the default roots; keep them so public receivers still verify.
    ...(options.ca === undefined ? {} : { ca: [...rootCertificates, ...asArray(options.ca)] }),
  });
  return (connectOptions, callback) => {
    // An IP address skips the socket's lookup, so it is checked here instead.
    const literal = parseAddress(connectOptions.hostname);
    if (!literal) {
      base(connectOptions, callback);
      return;
    }
    guard.checkedAddresses(connectOptions.hostname).then(
      ([checked]) => base({ ...connectOptions, hostname: checked!.address }, callback),
      (error: Error) => callback(error, null),
    );
  };
}

/**
 * A `lookup` for net.connect: resolves every record, refuses the connection when any is refused,
 * and answers in the shape the socket asked for (all records with autoSelectFamily, else one).
 */
function guardedLookup(guard: DestinationGuard): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    guard.checkedAddresses(hostname).then(
      (addresses) => {
        const wanted = familyOf(options.family);
        const usable = addresses.filter((a) => wanted === undefined || a.family === wanted);
        const first: LookupAddress | undefined = usable[0];
        if (!first) {
          const error = Object.assign(new Error(`${hostname} has no IPv${wanted} address`), {
            code: 'ENOTFOUND',
          });
          callback(error, '', 0);
        } else if (options.all) {
          callback(null, usable);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

function familyOf(family: LookupOptions['family']): 4 | 6 | undefined {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return undefined;
}

function asArray<T>(value: T | readonly T[]): T[] {
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}
