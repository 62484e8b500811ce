import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/scopes';
import { InboundWebhooksService } from './inbound-webhooks.service';

/**
 * Where vendors send webhooks. No gateway key: each request is proven by the vendor's
 * signature or the connection's own secret. The body arrives as raw bytes (see json-body.ts)
 * so signatures are checked over exactly what was sent.
 */
@ApiExcludeController()
@Controller('webhooks')
export class InboundWebhooksController {
  constructor(private readonly webhooks: InboundWebhooksService) {}

  @Post(':provider/:connection_id')
  @Public()
  @HttpCode(200)
  receive(
    @Param('provider') provider: string,
    @Param('connection_id') connectionId: string,
    @Req() request: FastifyRequest,
  ) {
    return this.webhooks.receive(provider, connectionId, toInbound(request, null), String(request.id));
  }

  /** Vendors that sign nothing and take only a URL (KaiCalls) carry the secret as the last segment. */
  @Post(':provider/:connection_id/:token')
  @Public()
  @HttpCode(200)
  receiveWithToken(
    @Param('provider') provider: string,
    @Param('connection_id') connectionId: string,
    @Param('token') token: string,
    @Req() request: FastifyRequest,
  ) {
    return this.webhooks.receive(provider, connectionId, toInbound(request, token), String(request.id));
  }
}

function toInbound(request: FastifyRequest, token: string | null) {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers))
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  const body = request.body;
  return { headers, rawBody: Buffer.isBuffer(body) ? body : Buffer.alloc(0), pathToken: token };
}
