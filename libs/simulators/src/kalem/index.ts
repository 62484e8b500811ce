export { createKalemSimulator, startKalemSimulator } from './kalem.simulator';
export type { KalemSimulator } from './kalem.simulator';
export { KALEM_DEFAULT_API_KEY, KALEM_SEED } from './kalem.seed';
export type { KalemAccount, KalemAgent, KalemNumber, KalemTrunk } from './kalem.seed';
export { KALEM_API_PREFIX } from './kalem.routes';
export { KALEM_RATE_WINDOWS } from './kalem.errors';
export { KALEM_CALL_STATUSES } from './kalem.views';
export type { KalemCallObject, KalemCallStatus } from './kalem.views';
