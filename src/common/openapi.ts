import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject, ParameterObject, SchemaObject, OpenAPIObject } from '@nestjs/swagger';
import type { ErrorCode } from '@switchboard/core';
import { ERROR_CODES } from '@switchboard/core';
import { AGENT_SCHEMAS } from '../agents/agent.schema';
import { KEY_SCHEMAS } from '../auth/key.schema';
import { CALL_SCHEMAS } from '../calls/call.schema';
import { EVENT_SCHEMAS } from '../events/event.schema';
import { HEALTH_SCHEMAS } from '../health/health.schema';
import { CONNECTION_SCHEMAS } from '../providers/connection.schema';
import { WEBHOOK_ENDPOINT_SCHEMAS } from '../webhook-endpoints/webhook-endpoint.schema';
import { ERROR_CODES_EXTENSION, arrayOf, object, ref, text } from './api-docs';
import { mountApiReference } from './api-reference';
import { HTTP_STATUS } from './error-response';

/** When each error code is answered, and a message like the gateway's own. */
export const ERROR_CATALOG: Record<ErrorCode, { when: string; message: string; details?: unknown[] }> = {
  invalid_json: {
    when: 'The body is not JSON, not a JSON object, or not sent as application/json',
    message: 'The request body is not valid JSON.',
  },
  invalid_request: {
    when: 'Malformed HTTP: a request line or URL that cannot be parsed, conflicting lengths, bad percent-encoding',
    message: 'The request is not valid HTTP.',
  },
  payload_too_large: {
    when: 'The body is larger than BODY_LIMIT_BYTES',
    message: 'The request body is larger than this gateway accepts.',
  },
  request_timeout: {
    when: 'The request (headers and body) took longer to arrive than HTTP_REQUEST_TIMEOUT_MS / HTTP_HEADERS_TIMEOUT_MS',
    message: 'The request took too long to arrive.',
  },
  uri_too_long: {
    when: 'The URL, or one of its path segments, is too long (nothing of it is echoed)',
    message: 'The URL is too long.',
  },
  headers_too_large: {
    when: 'Too many header lines, or too many header bytes',
    message: 'The request headers are too large.',
  },
  unauthorized: {
    when: 'Missing, malformed, unknown or revoked key',
    message: 'A valid gateway key is required: Authorization: Bearer <key>.',
  },
  forbidden: {
    when: 'The key lacks the scope (details name it)',
    message: "This key lacks the 'calls:write' scope.",
    details: [{ required_scope: 'calls:write' }],
  },
  not_found: {
    when: 'Unknown id, also an id of another type',
    message: "No call with id 'call_01jgz6a3x4e5f6g7h8j9k0m1n2'.",
  },
  conflict: {
    when: 'The state forbids it: delete an active call, cancel a finished one, remove a connection with active calls',
    message: 'The call has ended; nothing to cancel.',
  },
  idempotency_in_progress: {
    when: 'A request with the same Idempotency-Key is still running',
    message: 'A request with this Idempotency-Key is still in progress.',
  },
  validation_failed: {
    when: 'One `details` entry per bad field (`to[1]`, `metadata.plan`, `rate_limits.calls_per_week`)',
    message: "Invalid value for 'to[1]': is not a possible phone number",
    details: [{ field: 'to[1]', message: 'is not a possible phone number' }],
  },
  idempotency_key_reused: {
    when: 'The same Idempotency-Key came with a different body within 24 h',
    message: 'This Idempotency-Key was used with a different request body.',
  },
  capability_unsupported: {
    when: 'The chosen vendor cannot do this (details name provider and capability)',
    message: "Provider 'kaicalls' does not support 'control'.",
    details: [{ provider: 'kaicalls', capability: 'control' }],
  },
  rate_limited: {
    when: "The key's own rate limit (see Retry-After), or too many open event streams",
    message: 'Rate limit exceeded for this key; see Retry-After.',
  },
  provider_error: {
    when:
      'The vendor answered with an error the gateway could not recover from; details carry the connection, the provider, its HTTP status and its own error code. ' +
      "A vendor 401/403 is the connection's credentials refused (the message names the connection): never the gateway key's 401/403",
    message:
      'kalem refused the credentials of connection con_01jgz5z9c8b7a6s5d4f3g2h1j0 (HTTP 401); update them with PATCH /v1/providers/con_01jgz5z9c8b7a6s5d4f3g2h1j0. Kalem answered 401: Unauthenticated.',
    details: [
      {
        connection_id: 'con_01jgz5z9c8b7a6s5d4f3g2h1j0',
        provider: 'kalem',
        provider_status: 401,
        provider_error_code: null,
      },
    ],
  },
  unavailable: {
    when: 'A dependency of the gateway is unreachable (its database, or the vendor budget store); see Retry-After',
    message: 'The gateway cannot reach its database right now; retry after the Retry-After delay.',
  },
  providers_unavailable: {
    when:
      'Every eligible connection failed or is out (open circuit, spent budget); details list each attempt; Retry-After when one said when. ' +
      "Outside a create: the call's or the named connection is rate limited by its vendor (Retry-After from the vendor's reset) or refused here; details name it. " +
      'POST /v1/providers: the vendor could not be asked to check the credentials; nothing was stored',
    message: 'No provider could place the call.',
    details: [
      {
        connection_id: 'con_01jgz5z9c8b7a6s5d4f3g2h1j0',
        provider: 'hmsovereign',
        outcome: 'failed',
        error_code: 'provider_error',
      },
    ],
  },
  provider_timeout: {
    when: 'The vendor did not answer in time and the outcome is unknown; the reconciler settles it',
    message: 'The provider did not answer in time; the call is being reconciled.',
  },
  internal: {
    when: 'A bug; quote the request id. Never carries stack traces or secrets',
    message: 'Internal error. Quote the request id when reporting it.',
  },
};

/** Tags in the order a new user meets them: place a call first, plumbing last. */
const TAGS: [string, string][] = [
  ['calls', 'Place, read, control and delete calls; each call keeps every attempt and its event timeline'],
  ['agents', 'Logical agents: one persona, bound to a vendor agent per connection so calls can fail over'],
  ['providers', 'Connections: one account at one vendor, with its capabilities and observed health'],
  ['events', 'The unified event log: read, stream (SSE), redeliver'],
  ['webhook-endpoints', 'Consumer URLs that receive every event, signed per Standard Webhooks'],
  ['keys', 'Gateway keys and their scopes'],
  ['health', 'Liveness and readiness for orchestrators'],
];

const catalogTable = () =>
  [
    '| status | code | when |',
    '|---|---|---|',
    ...ERROR_CODES.map((code) => `| ${HTTP_STATUS[code]} | \`${code}\` | ${ERROR_CATALOG[code].when} |`),
  ].join('\n');

const description = () => `
One normalized API for AI voice calls in front of several voice-AI vendors.

- Auth: \`Authorization: Bearer sk_live_…\` (or \`sk_test_…\` in sandbox mode). Each operation names its scope.
- Every response carries \`X-Request-Id\` (echoed when the client sends one).
- A response that reached a vendor carries \`Server-Timing: gateway;dur=…, db;dur=…, vendor;dur=…\`
  (milliseconds): the gateway's own time, the database time and the vendor time.
- Rate limits per key: \`X-RateLimit-Limit\`, \`X-RateLimit-Remaining\`, \`X-RateLimit-Reset\`
  (seconds until the window resets); \`429 rate_limited\` with \`Retry-After\` (seconds).
- Lists: \`?limit=\` (default 50, max 200) and \`?cursor=\` (the previous page's \`next_cursor\`); keyset cursors, newest first.
  The event log is the exception: ascending by \`sequence\`, resumed with \`?after=\`.
- \`Idempotency-Key\` on any POST: the same key and body within 24 h replay the first answer (\`Idempotent-Replayed: true\`);
  a retried create never dials twice.
- Live events: \`GET /v1/events/stream\` (Server-Sent Events, \`id:\` = sequence; resume with \`Last-Event-ID\`).
- Outbound webhooks are signed per Standard Webhooks: \`webhook-id\` (the event id: dedupe on it),
  \`webhook-timestamp\`, \`webhook-signature: v1,<base64 HMAC-SHA256>\` (two signatures for 24 h after a
  secret rotation). Body: the event as \`GET /v1/events/{id}\` returns it. Attempts at once, then after
  5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (jittered, Retry-After honoured), then \`failed\`. Outside
  sandbox mode, URLs resolving to loopback/private/link-local addresses are refused (422 on \`url\`).

## Errors

Always \`{ "error": { "code", "message", "details", "request_id" } }\`. Each operation lists the codes it can return
(also machine-readable, as \`${ERROR_CODES_EXTENSION}\`); the whole catalog:

${catalogTable()}

## Event types

See the \`EventType\` schema: every event's \`type\` is one of them, and webhook endpoints subscribe to them (or \`call.*\`).
`;

/** The OpenAPI document generated from the controllers and DTOs. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Switchboard')
    .setDescription(description())
    .setVersion('1')
    // Gateway keys are opaque strings, not JWTs (the builder's default bearerFormat).
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'sk_live_… / sk_test_…',
      description: 'Gateway key: sk_live_… or sk_test_…',
    });
  for (const [name, tagDescription] of TAGS) builder.addTag(name, tagDescription);
  return withContractConventions(SwaggerModule.createDocument(app, builder.build()));
}

const ERROR_SCHEMAS: Record<string, SchemaObject> = {
  ErrorCode: {
    type: 'string',
    enum: [...ERROR_CODES],
    description: ERROR_CODES.map((code) => `- \`${code}\` (${HTTP_STATUS[code]}): ${ERROR_CATALOG[code].when}`).join(
      '\n',
    ),
  },
  Error: object({
    error: object({
      code: ref('ErrorCode'),
      message: text('For people; may change. Branch on `code`'),
      details: arrayOf(
        {},
        'validation_failed: `{ field, message }` per bad field; provider errors: provider, status and code; providers_unavailable: each attempt',
      ),
      request_id: text('The X-Request-Id of the request'),
    }),
  }),
};

type Operation = OperationObject & { [ERROR_CODES_EXTENSION]?: ErrorCode[] };
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Codes every operation of this shape can return, whatever it does. */
function sharedErrorCodes(path: string, method: string, operation: Operation): ErrorCode[] {
  const codes: ErrorCode[] = [];
  const keyed = path.startsWith('/v1/');
  if (keyed) codes.push('unauthorized', 'forbidden', 'rate_limited');
  if (path.includes('{')) codes.push('not_found');
  if (method === 'post' || method === 'patch') codes.push('invalid_json', 'payload_too_large');
  if (method === 'post') codes.push('idempotency_in_progress', 'idempotency_key_reused');
  // Unknown query parameters are refused too, so any declared query means a 422 is possible.
  const hasQuery = (operation.parameters ?? []).some((p) => (p as ParameterObject).in === 'query');
  if (operation.requestBody || hasQuery) codes.push('validation_failed');
  if (keyed) codes.push('internal');
  return codes;
}

/**
 * Adds what the decorators cannot say per route: the response schemas, each operation's
 * error responses (grouped by status, one example per code), and the shared headers.
 */
function withContractConventions(document: OpenAPIObject): OpenAPIObject {
  document.components = {
    ...document.components,
    schemas: {
      ...document.components?.schemas,
      ...ERROR_SCHEMAS,
      ...CALL_SCHEMAS,
      ...AGENT_SCHEMAS,
      ...CONNECTION_SCHEMAS,
      ...EVENT_SCHEMAS,
      ...WEBHOOK_ENDPOINT_SCHEMAS,
      ...KEY_SCHEMAS,
      ...HEALTH_SCHEMAS,
    },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as Operation | undefined;
      if (!operation) continue;
      const own = operation[ERROR_CODES_EXTENSION] ?? [];
      const codes = ERROR_CODES.filter(
        (code) => own.includes(code) || sharedErrorCodes(path, method, operation).includes(code),
      );
      if (codes.length) operation[ERROR_CODES_EXTENSION] = codes;
      operation.responses ??= {};
      for (const status of [...new Set(codes.map((code) => HTTP_STATUS[code]))].sort((a, b) => a - b)) {
        const here = codes.filter((code) => HTTP_STATUS[code] === status);
        operation.responses[String(status)] = {
          description: here.map((code) => `\`${code}\`: ${ERROR_CATALOG[code].when}`).join('; '),
          ...(status === 429 || status >= 502
            ? {
                headers: {
                  'Retry-After': {
                    description: 'Seconds until a retry can succeed, when known',
                    schema: { type: 'integer' },
                  },
                },
              }
            : {}),
          content: {
            'application/json': {
              schema: ref('Error'),
              examples: Object.fromEntries(
                here.map((code) => [
                  code,
                  {
                    summary: code,
                    value: {
                      error: {
                        code,
                        message: ERROR_CATALOG[code].message,
                        details: ERROR_CATALOG[code].details ?? [],
                        request_id: 'req_3f1c9a7e',
                      },
                    },
                  },
                ]),
              ),
            },
          },
        };
      }
      if (!path.startsWith('/v1/')) continue;
      operation.parameters ??= [];
      operation.parameters.push({
        name: 'X-Request-Id',
        in: 'header',
        required: false,
        schema: { type: 'string' },
        description: 'Echoed on the response; generated when absent',
      });
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

/** `/openapi.json`, `/openapi.yaml` and the rendered reference at `/docs`, all public. */
export async function mountOpenApi(app: NestFastifyApplication, document: OpenAPIObject): Promise<void> {
  // Nest serves the document; the page is Scalar's (api-reference.ts), not Swagger UI.
  SwaggerModule.setup('docs', app, document, {
    ui: false,
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
  });
  await mountApiReference(app);
}
