export { createKlenAdapter } from './klen.adapter';
export { KlenCapabilities } from './klen.capabilities';
export { mapKlenCall, mapKlenStatus } from './klen.mappers';
export { klenHmacSha256Hex, mapKlenWebhook, parseKlenWebhook, verifyKlenWebhook } from './klen.webhooks';
export { mapKlenError } from './klen.errors';
