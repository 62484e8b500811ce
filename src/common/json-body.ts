import { ValidationFailedError } from '@switchboard/core';
import type { FastifyInstance } from 'fastify';

/**
 * The API speaks JSON objects only. Fastify would also parse text/plain into a string;
 * without that parser any other media type is refused (415, answered as 400 invalid_json),
 * and a JSON body that is not an object (`"x"`, `[1]`) is a validation error on `body`.
 * Vendor webhooks, which need raw bodies, register their own parsers in their own scope.
 */
export function acceptJsonObjectsOnly(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('text/plain');
  fastify.addHook('preValidation', async (request) => {
    const body = request.body;
    if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
      throw new ValidationFailedError([{ field: 'body', message: 'must be a JSON object' }]);
    }
  });
}
