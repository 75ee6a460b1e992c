import { attemptErrorKind, attemptErrorMessage } from './attempt-errors';
import { DestinationRefusedError } from './destination-policy';

const coded = (code: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`failed: ${code}`), { code, ...extra });

describe('attemptErrorKind', () => {
  it.each([
    [new DestinationRefusedError('host 10.0.0.1 is a private address'), 'ssrf'],
    [coded('ENOTFOUND', { syscall: 'getaddrinfo' }), 'dns'],
    [coded('EAI_AGAIN'), 'dns'],
    [coded('ECONNREFUSED'), 'connect'],
    [coded('EHOSTUNREACH'), 'connect'],
    [coded('ENETUNREACH'), 'connect'],
    [coded('UND_ERR_CONNECT_TIMEOUT'), 'timeout'],
    [coded('ETIMEDOUT'), 'timeout'],
    [coded('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls'],
    [coded('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'tls'],
    [coded('CERT_HAS_EXPIRED'), 'tls'],
    [coded('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls'],
    [coded('ERR_SSL_WRONG_VERSION_NUMBER'), 'tls'],
    [coded('EPROTO', { library: 'SSL routines' }), 'tls'],
    [coded('ECONNRESET'), 'network'],
    [coded('UND_ERR_SOCKET'), 'network'],
    [coded('EPROTO'), 'network'],
    [new Error('no code at all'), 'network'],
    ['a thrown string', 'network'],
  ] as const)('%p → %s', (error, kind) => {
    expect(attemptErrorKind(error, false)).toBe(kind);
  });

  it('reports the attempt deadline as a timeout whatever error the abort surfaced as', () => {
    expect(attemptErrorKind(coded('UND_ERR_ABORTED'), true)).toBe('timeout');
    expect(attemptErrorKind(coded('ECONNRESET'), true)).toBe('timeout');
  });

  it('reads the attempts inside a happy-eyeballs AggregateError and a cause chain', () => {
    const aggregate = Object.assign(new AggregateError([coded('ETIMEDOUT'), coded('ECONNREFUSED')], ''), {
      code: 'ETIMEDOUT',
    });
    // One address timed out, the next refused: the host is there and refusing.
    expect(attemptErrorKind(aggregate, false)).toBe('connect');
    expect(attemptErrorMessage(aggregate)).toBe('failed: ETIMEDOUT; failed: ECONNREFUSED');
    expect(attemptErrorKind(new Error('fetch failed', { cause: coded('ENOTFOUND') }), false)).toBe('dns');
  });
});
