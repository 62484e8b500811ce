import type { NestFastifyApplication } from '@nestjs/platform-fastify';

export const REFERENCE_PATH = '/docs';

/**
 * What the reference page may load: only this gateway. The page is rendered from the plugin's
 * own bundle, and the browser refuses anything else, so a future plugin default that reaches
 * for a CDN, a font host or a request proxy fails closed instead of leaking keys typed into
 * "Try it". The bundle runs inline boot code and injects its styles, hence 'unsafe-inline'.
 */
export const REFERENCE_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The Scalar API reference at `/docs`, reading `/openapi.json`. Its script is the copy bundled
 * in the package, served from `/docs/js/scalar.js`; the options below switch off everything
 * that would call out: the default web fonts, telemetry, the request proxy that "Try it" would
 * otherwise send requests (and their bearer keys) through, the AI agent and the developer tools.
 */
export async function mountApiReference(app: NestFastifyApplication): Promise<void> {
  const { default: scalar } = await import('@scalar/fastify-api-reference');
  await app.register(scalar, {
    routePrefix: REFERENCE_PATH,
    hooks: {
      // Fastify awaits async hooks; the plugin's type only declares the callback form.
      // eslint-disable-next-line @typescript-eslint/no-misused-promises
      onRequest: async (_request, reply) => {
        reply.header('content-security-policy', REFERENCE_CSP);
      },
    },
    configuration: {
      url: '/openapi.json',
      pageTitle: 'Switchboard API reference',
      withDefaultFonts: false,
      telemetry: false,
      proxyUrl: '',
      showDeveloperTools: 'never',
      agent: { disabled: true },
      persistAuth: false,
    },
  });
}
