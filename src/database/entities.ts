import { ApiKeyEntity } from '../auth/api-key.entity';

/** Every TypeORM entity of the app; new modules add theirs here. */
export const ENTITIES = [ApiKeyEntity];
