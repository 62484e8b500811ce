export { createHmsSovereignAdapter } from './hmsovereign.adapter';
export { HmsSovereignCapabilities } from './hmsovereign.capabilities';
export { mapHmsSovereignStatus } from './hmsovereign.mappers';
export { mapHmsSovereignError } from './hmsovereign.errors';
export { parseHmsSovereignWebhook, verifyHmsSovereignWebhook } from './hmsovereign.webhooks';
