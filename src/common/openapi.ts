import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

const DESCRIPTION = `
One normalized API for AI voice calls in front of several voice-AI vendors.

- Auth: \`Authorization: Bearer sk_live_…\` (or \`sk_test_…\` in sandbox mode).
- Errors: \`{ "error": { "code", "message", "details", "request_id" } }\`.
- Every response carries \`X-Request-Id\` (echoed when the client sends one).
- A response that reached a vendor carries \`Server-Timing: gateway;dur=…, db;dur=…, vendor;dur=…\`
  (milliseconds): the gateway's own time, the database time and the vendor time.
- Rate limits per key: \`X-RateLimit-Limit\`, \`X-RateLimit-Remaining\`, \`X-RateLimit-Reset\`
  (seconds until the window resets); \`429 rate_limited\` with \`Retry-After\` (seconds).
- Lists: \`?limit=\` (default 50, max 200) and \`?cursor=\`; keyset cursors, newest first.
- Live events: \`GET /v1/events/stream\` (Server-Sent Events, \`id:\` = sequence; resume with \`Last-Event-ID\`).
- Outbound webhooks are signed per Standard Webhooks: \`webhook-id\` (the event id: dedupe on it),
  \`webhook-timestamp\`, \`webhook-signature: v1,<base64 HMAC-SHA256>\` (two signatures for 24 h after a
  secret rotation). Body: the event as \`GET /v1/events/:id\` returns it. Attempts at once, then after
  5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (jittered, Retry-After honoured), then \`failed\`. Outside
  sandbox mode, URLs resolving to loopback/private/link-local addresses are refused (422 on \`url\`).
`;

/** The OpenAPI document generated from the controllers and DTOs. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Switchboard')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Gateway key: sk_live_… or sk_test_…' })
    .build();
  return withContractConventions(SwaggerModule.createDocument(app, config));
}

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details', 'request_id'],
      properties: {
        code: { type: 'string', example: 'validation_failed' },
        message: { type: 'string' },
        details: { type: 'array', items: {}, example: [{ field: 'to[1]', message: 'must be a phone number in E.164' }] },
        request_id: { type: 'string' },
      },
    },
  },
};

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'invalid_json: the body is not JSON, not sent as application/json, or nested too deep / invalid_request: malformed HTTP or URL',
  '401': 'unauthorized: missing, malformed, unknown or revoked key',
  '403': 'forbidden: the key lacks the scope',
  '404': 'not_found: unknown id (also an id of another type)',
  '408': 'request_timeout: the request (headers and body) took longer to arrive than the gateway waits',
  '409': 'conflict / idempotency_in_progress',
  '413': 'payload_too_large',
  '414': 'uri_too_long: the URL, or one of its path segments, is too long',
  '422': 'validation_failed (one details entry per bad field) / idempotency_key_reused / capability_unsupported',
  '429': 'rate_limited: see Retry-After',
  '431': 'headers_too_large: too many header lines, or too many header bytes',
  '500': 'internal: a bug; leaks nothing',
};

/**
 * Adds what every route shares but no decorator states: the error envelope and its
 * statuses, the Idempotency-Key header on POSTs, and the X-Request-Id header.
 */
function withContractConventions(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Error: ERROR_SCHEMA } };
  const error = { $ref: '#/components/schemas/Error' };
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/v1/')) continue;
    for (const [method, operation] of Object.entries(item) as [string, { parameters?: unknown[]; responses?: Record<string, unknown> }][]) {
      operation.responses ??= {};
      for (const [status, description] of Object.entries(ERROR_RESPONSES))
        operation.responses[status] ??= { description, content: { 'application/json': { schema: error } } };
      operation.parameters ??= [];
      operation.parameters.push({ name: 'X-Request-Id', in: 'header', required: false, schema: { type: 'string' }, description: 'Echoed on the response; generated when absent' });
      if (method === 'post')
        operation.parameters.push({
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          schema: { type: 'string', maxLength: 255 },
          description: 'Same key + same body within 24 h returns the first response (Idempotent-Replayed: true)',
        });
    }
  }
  return document;
}

/** `/openapi.json` and a rendered `/docs` page, both public. */
export function mountOpenApi(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    customSiteTitle: 'Switchboard API',
  });
}
