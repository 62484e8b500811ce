import { CreateApiKeys1763900000000 } from './1763900000000-create-api-keys';
import { CreateProvidersAgentsCalls1763900100000 } from './1763900100000-create-providers-agents-calls';

/** In order. Every schema change is a new file here; the app runs pending ones at start. */
export const MIGRATIONS = [CreateApiKeys1763900000000, CreateProvidersAgentsCalls1763900100000];
