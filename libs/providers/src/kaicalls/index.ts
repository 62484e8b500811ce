export { createKaiCallsAdapter } from './kaicalls.adapter';
export { KaiCallsCapabilities } from './kaicalls.capabilities';
export { KAICALLS_DEFAULT_BASE_URL } from './kaicalls.client';
export { mapKaiCallsError } from './kaicalls.errors';
export { KAICALLS_REFERENCE_PARAM, mapKaiCallsStatus } from './kaicalls.mappers';
