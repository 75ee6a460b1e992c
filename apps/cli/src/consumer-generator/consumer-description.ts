/**
 * What `herald new consumer` is asked to generate, checked and derived once: the app name
 * (kebab-case, it becomes a folder, a Nest project, a consumer group and a log service name),
 * the event type and reader version its first handler takes, and the names the templates use.
 */
export interface ConsumerRequest {
  readonly name: string;
  readonly eventType: string;
  readonly version: number;
  readonly port: number;
}

export interface ConsumerSpec extends ConsumerRequest {
  /** `FraudCheck` for `fraud-check`. */
  readonly className: string;
  /** `fraudCheck` for `fraud-check`. */
  readonly camelName: string;
  /** `FRAUD_CHECK` for `fraud-check`: the prefix of its port variable. */
  readonly envPrefix: string;
  /** `PaymentReceivedV1` for payments.payment.received v1: the @app/events type of the payload. */
  readonly payloadType: string;
  /** `onPaymentReceived`: the handler method. */
  readonly handlerMethod: string;
  /** Whether @app/events exports payloadType (else the payload is typed as a plain record). */
  readonly payloadTypeExists: boolean;
}

export class GeneratorUsageError extends Error {
  override name = 'GeneratorUsageError';
}

const APP_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const EVENT_TYPE = /^[a-z][a-z0-9]*(\.[a-z][a-z0-9_]*){2}$/;

const pascal = (words: readonly string[]): string =>
  words.map((w) => (w[0] ?? '').toUpperCase() + w.slice(1)).join('');

export function describeConsumer(
  request: ConsumerRequest,
  knownEventTypes: ReadonlySet<string>,
): ConsumerSpec {
  if (!APP_NAME.test(request.name)) {
    throw new GeneratorUsageError(`app name "${request.name}" must be kebab-case, e.g. fraud-check`);
  }
  if (!EVENT_TYPE.test(request.eventType)) {
    throw new GeneratorUsageError(
      `"${request.eventType}" is not an event type such as payments.payment.received`,
    );
  }
  if (!Number.isInteger(request.version) || request.version < 1) {
    throw new GeneratorUsageError(`the reader version must be a positive integer, got ${request.version}`);
  }
  const words = request.name.split('-');
  const [, entity = '', verb = ''] = request.eventType.split('.');
  const typeBase = pascal([...entity.split('_'), ...verb.split('_')]);
  const payloadType = `${typeBase}V${request.version}`;
  return {
    ...request,
    className: pascal(words),
    camelName: (words[0] ?? '') + pascal(words.slice(1)),
    envPrefix: words.join('_').toUpperCase(),
    payloadType,
    handlerMethod: `on${typeBase}`,
    payloadTypeExists: knownEventTypes.has(payloadType),
  };
}

/**
 * `@app/<name>` for generated imports. Spelled out in a template literal, the build's tsc-alias
 * step would rewrite it into a relative path into dist/ inside the generated text.
 */
export function lib(name: string): string {
  return ['@app', name].join('/');
}
