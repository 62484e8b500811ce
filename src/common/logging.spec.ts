import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { PROVIDERS } from '@switchboard/providers';
import Fastify from 'fastify';
import {
  createLogger,
  installRequestLogging,
  loggerParams,
  logStream,
  REDACT_PATHS,
  redactUrl,
  vendorWebhookSecretHeaders,
} from './logging';

describe('redactUrl', () => {
  it('hides the secret path segment of webhook URLs and secret query keys', () => {
    assert.equal(redactUrl('/webhooks/kaicalls/con_1/s3cr3t-token'), '/webhooks/kaicalls/con_1/[redacted]');
    assert.equal(redactUrl('/webhooks/kaicalls/con_1/s3cr3t?x=1'), '/webhooks/kaicalls/con_1/[redacted]?x=1');
    assert.equal(redactUrl('/webhooks/hmsovereign/con_1'), '/webhooks/hmsovereign/con_1');
    assert.equal(redactUrl('/v1/calls?api_key=abc&limit=2'), '/v1/calls?api_key=[redacted]&limit=2');
    assert.equal(redactUrl(undefined), undefined);
  });
});

describe('log redaction of vendor webhook secrets', () => {
  it('every vendor that proves webhooks with a header declares it (only path-token vendors declare none)', () => {
    for (const [name, registration] of Object.entries(PROVIDERS)) {
      const { authentication, secretHeaders } = registration.capabilities.webhooks;
      assert.equal(
        secretHeaders.length > 0,
        authentication !== 'path_token',
        `${name}: ${authentication} with ${JSON.stringify(secretHeaders)}`,
      );
    }
  });

  it('a request line carrying every declared header logs none of their values', () => {
    const headers = vendorWebhookSecretHeaders();
    assert.ok(headers.length >= 3, JSON.stringify(headers));
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    const logger = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
    logger.info(
      {
        req: { headers: { ...Object.fromEntries(headers.map((h) => [h, `secret-of-${h}`])), 'user-agent': 'vendor' } },
      },
      'webhook',
    );
    const logged = JSON.parse(lines.join(''));
    for (const header of headers) assert.equal(logged.req.headers[header], '[redacted]', header);
    assert.equal(logged.req.headers['user-agent'], 'vendor', 'headers that carry no secret stay readable');
  });
});

describe('logStream', () => {
  it('JSON unless a person is at a terminal (or asked for pretty)', () => {
    assert.equal(logStream('json', true), undefined);
    assert.equal(logStream('auto', false), undefined);
    assert.ok(logStream('auto', true, new Writable({ write: (_c, _e, done) => done() })));
  });

  it('pretty lines say what a request was and still redact', async () => {
    const chunks: string[] = [];
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        chunks.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, logStream('pretty', false, sink));
    logger.info(
      { req: { method: 'GET', url: '/v1/calls' }, res: { statusCode: 200 }, responseTime: 3 },
      'request completed',
    );
    logger.warn({ connection_id: 'con_1', credentials: { api_key: 'sk_live_secret' } }, 'vendor refused');
    await new Promise<void>((resolve) => setImmediate(resolve));
    const text = chunks.join('');
    assert.match(text, /INFO: request completed GET \/v1\/calls → 200 in 3 ms/);
    assert.match(text, /WARN: vendor refused .*"connection_id":"con_1"/);
    assert.ok(!text.includes('sk_live_secret'));
    assert.ok(!text.trimStart().startsWith('{'), 'not a JSON line');
  });
});

describe('request logging', () => {
  const sink = () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write: (chunk: Buffer, _e, done) => {
        lines.push(
          ...chunk
            .toString()
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as Record<string, unknown>),
        );
        stream.emit('logged');
        done();
      },
    });
    return { lines, stream };
  };
  const app = async (level: string, stream: Writable) => {
    const fastify = Fastify({ genReqId: () => 'req_test_1' });
    fastify.addHook('onRequest', (request, _reply, done) => {
      (request.raw as typeof request.raw & { id: string }).id = String(request.id);
      done();
    });
    installRequestLogging(fastify, createLogger(level, stream), level);
    fastify.get('/v1/thing', async () => ({ ok: true }));
    fastify.get('/health/live', async () => ({ ok: true }));
    await fastify.ready();
    return fastify;
  };

  it('logs a completion line with the request id and the redacted request, through no middleware', async () => {
    const { lines, stream } = sink();
    const fastify = await app('info', stream);
    await fastify.inject({ url: '/v1/thing?api_key=leaky', headers: { authorization: 'Bearer sk_test_secret' } });
    await fastify.close();
    const line = lines.find((l) => l.msg === 'request completed');
    assert.ok(line, JSON.stringify(lines));
    assert.equal(line.request_id, 'req_test_1');
    const req = line.req as { url: string; headers: Record<string, string> };
    assert.equal(req.headers.authorization, '[redacted]');
    assert.doesNotMatch(req.url, /leaky/);
    assert.deepEqual(loggerParams(createLogger('info', stream)).forRoutes, []);
  });

  it('logs a request whose client left before the answer once, as aborted', { timeout: 10_000 }, async () => {
    const { lines, stream } = sink();
    const fastify = Fastify({ genReqId: () => 'req_test_2' });
    installRequestLogging(fastify, createLogger('info', stream), 'info');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let arrived!: () => void;
    const reached = new Promise<void>((r) => (arrived = r));
    fastify.get('/v1/slow', async () => {
      arrived();
      await held;
      return { ok: true };
    });
    await fastify.listen({ host: '127.0.0.1', port: 0 });
    const { port } = fastify.server.address() as { port: number };
    const client = request({ host: '127.0.0.1', port, path: '/v1/slow' });
    client.on('error', () => undefined);
    client.end();
    await reached;
    const written = new Promise<void>((resolve) => stream.once('logged', resolve));
    client.destroy();
    await written;
    release();
    await fastify.close();
    const mine = lines.filter((l) => l.request_id === 'req_test_2');
    assert.deepEqual(
      mine.map((l) => l.msg),
      ['request aborted'],
      JSON.stringify(lines),
    );
  });

  it('gives the probes, and a silent gateway, no request logger', async () => {
    const info = sink();
    const probed = await app('info', info.stream);
    await probed.inject({ url: '/health/live' });
    await probed.close();
    assert.deepEqual(info.lines, []);
    const silent = sink();
    const quiet = await app('silent', silent.stream);
    await quiet.inject({ url: '/v1/thing' });
    await quiet.close();
    assert.deepEqual(silent.lines, []);
  });
});
