import { ValidationFailedError } from '@switchboard/core';
import { errorCodes, FastifyInstance, FastifyRequest } from 'fastify';

/** Vendor webhooks are verified over their exact bytes, so their bodies are never parsed here. */
export const WEBHOOK_PATH_PREFIX = '/webhooks/';
const isWebhook = (request: FastifyRequest) => request.url.startsWith(WEBHOOK_PATH_PREFIX);

/**
 * The API speaks JSON objects only: any other media type is refused (415, answered as 400
 * invalid_json), and a JSON body that is not an object (`"x"`, `[1]`) is a validation error
 * on `body`. Vendor webhooks are the exception: whatever they send reaches their handler
 * as the raw Buffer, under the same size limit, and is checked there.
 */
export function acceptJsonObjectsOnly(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    if (isWebhook(request)) return done(null, body);
    parseJson(request, (body as Buffer).toString('utf8'), done);
  });
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    if (isWebhook(request)) return done(null, body);
    done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(request.headers['content-type'] ?? ''), undefined);
  });
  fastify.addHook('preValidation', async (request) => {
    if (isWebhook(request)) return;
    const body = request.body;
    if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
      throw new ValidationFailedError([{ field: 'body', message: 'must be a JSON object' }]);
    }
  });
}
