import { GatewayError, ValidationFailedError } from '@switchboard/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorCodes } from 'fastify';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';

/** Vendor webhooks are verified over their exact bytes, so their bodies are never parsed here. */
export const WEBHOOK_PATH_PREFIX = '/webhooks/';
const isWebhook = (request: FastifyRequest) => request.url.startsWith(WEBHOOK_PATH_PREFIX);

const tooDeep = () =>
  new GatewayError('invalid_json', `The request body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels.`);

/**
 * The API speaks JSON objects only: any other media type is refused (415, answered as 400
 * invalid_json), and a JSON body that is not an object (`"x"`, `[1]`) is a validation error
 * on `body`. Vendor webhooks are the exception: whatever they send reaches their handler
 * as the raw Buffer, under the same size limit, and is checked there.
 *
 * Every body, webhooks included, is refused past MAX_JSON_DEPTH levels before anything
 * parses it: the vendor parsers run on webhooks too, and no vendor payload comes near it.
 */
export function acceptJsonObjectsOnly(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    if (nestsDeeperThan(body as Buffer, MAX_JSON_DEPTH)) return done(tooDeep(), undefined);
    if (isWebhook(request)) return done(null, body);
    // Fastify's default parser is the callback form; its type also admits a promise it never returns.
    void parseJson(request, (body as Buffer).toString('utf8'), done);
  });
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    if (!isWebhook(request))
      return done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(request.headers['content-type'] ?? ''), undefined);
    if (nestsDeeperThan(body as Buffer, MAX_JSON_DEPTH)) return done(tooDeep(), undefined);
    done(null, body);
  });
  // `done` rather than async, as every per-request hook (src/bootstrap.ts).
  fastify.addHook('preValidation', (request, _reply, done) => {
    const body = request.body;
    if (!isWebhook(request) && body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body)))
      return done(new ValidationFailedError([{ field: 'body', message: 'must be a JSON object' }]));
    done();
  });
}
