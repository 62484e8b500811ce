export { createKalemAdapter } from './kalem.adapter';
export { KalemCapabilities } from './kalem.capabilities';
export { mapKalemStatus, mapKalemCall, toKalemCreateBody, KALEM_REFERENCE_KEY } from './kalem.mappers';
export { mapKalemError } from './kalem.errors';
export {
  parseKalemWebhook,
  verifyKalemWebhook,
  toKalemWebhookFields,
  KALEM_WEBHOOK_SECRET_HEADER,
} from './kalem.webhooks';
