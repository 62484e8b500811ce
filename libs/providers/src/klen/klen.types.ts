/** Klen's wire types that are not call bodies (those live beside their mappers and client). */

/** Klen's one error envelope is flat: `{ "error": "code", "message": "…" }` (docs.klen.ai/development). */
export interface KlenErrorBody {
  error?: string;
  message?: string;
}
