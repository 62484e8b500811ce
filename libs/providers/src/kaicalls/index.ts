export { createKaiCallsAdapter } from './kaicalls.adapter';
export { KaiCallsCapabilities } from './kaicalls.capabilities';
export { KAICALLS_DEFAULT_BASE_URL } from './kaicalls.client';
export { mapKaiCallsError } from './kaicalls.errors';
export { mapKaiCallsStatus } from './kaicalls.mappers';
export { parseKaiCallsWebhook, verifyKaiCallsWebhook } from './kaicalls.webhooks';
