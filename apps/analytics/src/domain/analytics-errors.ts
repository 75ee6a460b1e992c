/** Analytics' domain errors; the HTTP status is chosen in the API's exception filter. */
export interface RequestIssue {
  /** JSON pointer to the offending query parameter, e.g. `/interval`. */
  readonly path: string;
  readonly message: string;
}

export class InvalidAnalyticsRequestError extends Error {
  override name = 'InvalidAnalyticsRequestError';
  constructor(readonly issues: readonly RequestIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  }
}

export class UnknownMetricError extends Error {
  override name = 'UnknownMetricError';
  constructor(readonly metric: string) {
    super(`no metric is named "${metric}" (GET /v1/metrics lists them)`);
  }
}

/** A declared metric whose definition has no computed generation yet (a rebuild is needed or running). */
export class MetricNotReadyError extends Error {
  override name = 'MetricNotReadyError';
  constructor(readonly metric: string) {
    super(
      `metric "${metric}" is not computed yet: its rebuild has not finished (GET /v1/metrics shows its progress)`,
    );
  }
}
