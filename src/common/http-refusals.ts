import type { ErrorCode } from '@switchboard/core';
import { STATUS_CODES } from 'node:http';
import type { ErrorEnvelope } from './error-response';
import { HTTP_STATUS } from './error-response';

/** Longest URL (path and query) the gateway reads; the contract's URLs stay far below it. */
export const MAX_URL_LENGTH = 8 * 1024;
/** Most header lines one request may carry; Node silently drops those past its own count. */
export const MAX_HEADER_LINES = 100;
/** Longest path parameter the router matches; ids are about 30 characters. */
export const MAX_PATH_PARAM_LENGTH = 100;

export interface Refusal {
  code: ErrorCode;
  message: string;
}

/**
 * What to answer when Node's HTTP parser gives up on a connection (Fastify's `clientError`).
 * Null when there is nobody left to answer (the client reset the connection).
 */
export function refusalForClientError(nodeCode: string | undefined): Refusal | null {
  switch (nodeCode) {
    case 'ECONNRESET':
    case 'EPIPE':
      return null;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        code: 'request_timeout',
        message: 'The request did not arrive in time: send its headers and body without pausing.',
      };
    case 'HPE_HEADER_OVERFLOW':
      return {
        code: 'headers_too_large',
        message: 'The request line and headers are larger than this gateway accepts.',
      };
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return {
        code: 'invalid_request',
        message: 'The Content-Length header is invalid or conflicts with the body framing.',
      };
    default:
      return { code: 'invalid_request', message: 'The request is not valid HTTP/1.1.' };
  }
}

/** What to answer when Fastify's router refuses a URL before any hook runs (its `frameworkErrors`). */
export function refusalForRouterError(fastifyCode: string | undefined): Refusal {
  switch (fastifyCode) {
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { code: 'uri_too_long', message: `A path segment is longer than ${MAX_PATH_PARAM_LENGTH} characters.` };
    case 'FST_ERR_BAD_URL':
      return { code: 'invalid_request', message: 'The URL is not valid: check its percent-encoding.' };
    default:
      return { code: 'invalid_request', message: 'The request could not be routed.' };
  }
}

/** Refusals of a parsed request that no route should see: an overlong URL, a flood of headers. */
export function refusalForRequestShape(url: string, rawHeaderCount: number): Refusal | null {
  if (url.length > MAX_URL_LENGTH)
    return { code: 'uri_too_long', message: `The URL is longer than ${MAX_URL_LENGTH} characters.` };
  if (rawHeaderCount > MAX_HEADER_LINES)
    return { code: 'headers_too_large', message: `The request has more than ${MAX_HEADER_LINES} header lines.` };
  return null;
}

/** Seconds a client refused during shutdown should wait: long enough for a restart or another instance behind the balancer. */
export const SHUTDOWN_RETRY_AFTER_SECONDS = 5;

/** A request that reached a server already closing (pipelined, or on a busy keep-alive connection). */
export const SHUTTING_DOWN: Refusal = {
  code: 'unavailable',
  message: 'The gateway is shutting down; retry after the Retry-After delay (on a new connection).',
};

export function envelopeOf(refusal: Refusal, requestId: string): ErrorEnvelope {
  return { error: { code: refusal.code, message: refusal.message, details: [], request_id: requestId } };
}

/**
 * A complete HTTP/1.1 response for a socket the HTTP parser gave up on, where no Fastify
 * reply exists. It always closes the connection: the parser cannot read further requests
 * from it.
 */
export function rawRefusalResponse(refusal: Refusal, requestId: string): string {
  const status = HTTP_STATUS[refusal.code];
  const body = JSON.stringify(envelopeOf(refusal, requestId));
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    `X-Request-Id: ${requestId}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}
