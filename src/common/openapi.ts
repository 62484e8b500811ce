import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

const DESCRIPTION = `
One normalized API for AI voice calls in front of several voice-AI vendors.

- Auth: \`Authorization: Bearer sk_live_…\` (or \`sk_test_…\` in sandbox mode).
- Errors: \`{ "error": { "code", "message", "details", "request_id" } }\`.
- Every response carries \`X-Request-Id\` (echoed when the client sends one).
- Rate limits per key: \`X-RateLimit-Limit\`, \`X-RateLimit-Remaining\`, \`X-RateLimit-Reset\`
  (seconds until the window resets); \`429 rate_limited\` with \`Retry-After\` (seconds).
- Lists: \`?limit=\` (default 50, max 200) and \`?cursor=\`; keyset cursors, newest first.
`;

/** The OpenAPI document generated from the controllers and DTOs. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Switchboard')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Gateway key: sk_live_… or sk_test_…' })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** `/openapi.json` and a rendered `/docs` page, both public. */
export function mountOpenApi(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    customSiteTitle: 'Switchboard API',
  });
}
