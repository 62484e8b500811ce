/** Kalem's wire types that are not call bodies (those live beside their mappers). */

/** Kalem's one error envelope (Laravel): `{ message }`, plus `errors: { field: [messages] }` on 422. */
export interface KalemErrorBody {
  message?: string;
  errors?: Record<string, string[] | string>;
}
