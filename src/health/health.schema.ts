import type { SchemaObject } from '@nestjs/swagger';
import { object } from '../common/api-docs';

export const HEALTH_SCHEMAS: Record<string, SchemaObject> = {
  Live: object({ status: { type: 'string', enum: ['ok'] } }),
  Ready: object({
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    checks: object({ database: { type: 'string', enum: ['ok', 'unreachable'] } }),
  }),
};
