export { createKlenAdapter } from './klen.adapter';
export { KlenCapabilities } from './klen.capabilities';
export { mapKlenCall, mapKlenStatus, mapKlenWebhook } from './klen.mappers';
export { mapKlenError } from './klen.errors';
