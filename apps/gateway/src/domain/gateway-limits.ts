/** Limits a publish request must keep, from the configuration (GATEWAY_MAX_BATCH_EVENTS). */
export class GatewayLimits {
  constructor(
    /** Events in one batch request; more → 413. */
    readonly maxBatchEvents: number,
  ) {}
}
