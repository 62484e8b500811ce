export { createKlenSimulator, KlenSimulator, KlenSimulatorOptions, startKlenSimulator } from './klen.simulator';
export {
  DEFAULT_BALANCE,
  KLEN_AGENTS,
  KLEN_DEFAULT_API_KEY,
  KLEN_DO_NOT_CALL,
  KLEN_INACTIVE_API_KEY,
  KLEN_PARTNER_API_KEY,
  KLEN_PERMISSIONS,
  KLEN_READ_ONLY_API_KEY,
  KlenApiKey,
  KlenPermission,
  PRICING,
} from './klen.seed';
export { KLEN_CALL_EVENTS, KLEN_FAILURE_REASONS, KLEN_STATUSES, KlenCallEvent } from './klen.state';
export { KLEN_SIGNATURE_HEADER, signKlenBody } from './klen.webhooks';
