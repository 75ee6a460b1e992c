/**
 * Bad-input corpora of the HTTP APIs, shared by the apps' bad-input tests and the chaos fuzz run
 * (test/chaos/fuzz.chaos-spec.ts). Each is a namespace: `gatewayBadInput.cases`, ...
 */
export * as gatewayBadInput from './gateway-bad-input';
export * as webhooksEndpointsBadInput from './webhooks-endpoints-bad-input';
export * as webhooksOperationsBadInput from './webhooks-operations-bad-input';
export { endpointBody, PUBLIC_URL } from './webhooks-endpoint-body';
