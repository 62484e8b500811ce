import { CreateApiKeys1763900000000 } from './1763900000000-create-api-keys';

/** In order. Every schema change is a new file here; the app runs pending ones at start. */
export const MIGRATIONS = [CreateApiKeys1763900000000];
