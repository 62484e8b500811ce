export * from './ids/ids';
export * from './errors/gateway-error';
export * from './errors/provider-error';
export * from './calls/call-status';
export * from './calls/call.types';
export * from './adapter/provider-adapter';
export * from './adapter/rate-limits';
export * from './webhooks/inbound-webhook';
