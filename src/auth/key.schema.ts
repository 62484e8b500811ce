import type { SchemaObject } from '@nestjs/swagger';
import { arrayOf, constant, listOf, nullableTime, object, ref, text, time } from '../common/api-docs';
import { SCOPES } from './scopes';

const keyProperties = {
  id: text('`key_…`'),
  object: constant('key'),
  name: text(),
  prefix: text('The first characters of the key, to recognise it'),
  scopes: arrayOf({ type: 'string', enum: [...SCOPES] }),
  created_at: time(),
  revoked_at: nullableTime(),
};

export const KEY_SCHEMAS: Record<string, SchemaObject> = {
  Key: object(keyProperties),
  KeyCreated: {
    allOf: [
      ref('Key'),
      object({ key: text('The whole key (`sk_live_…` / `sk_test_…`): shown in this answer only, stored as a hash') }),
    ],
  },
  KeyList: listOf('Key'),
};
