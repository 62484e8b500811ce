import { All, Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { GatewayError, UnavailableError } from '@switchboard/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Scopes } from '../auth/scopes';
import { controlPath, controlRefusal } from './sandbox-control';
import { SandboxService } from './sandbox.service';

/** How long a simulator has to answer a control request (they answer at once, or are gone). */
const CONTROL_TIMEOUT_MS = 5_000;

/**
 * The simulators' control API at a stable address: `/sandbox/<provider>/<path>` is the
 * simulator's `/__sim/<path>`, whatever port it got at this start. Admin keys (`*`) only:
 * it changes how every sandbox call behaves. Outside sandbox mode there is nothing here (404).
 * Left out of the OpenAPI document, which describes the API every mode serves.
 */
@ApiExcludeController()
@Controller('sandbox')
export class SandboxController {
  constructor(private readonly sandbox: SandboxService) {}

  @Get()
  @Scopes('*')
  list() {
    const simulators = this.sandbox.simulators();
    if (!simulators.length) throw notInSandbox();
    return {
      data: simulators.map((s) => ({ provider: s.provider, control: `/sandbox/${s.provider}`, base_url: s.baseUrl })),
    };
  }

  @All(':provider/*')
  @Scopes('*')
  async forward(@Param('provider') provider: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const origin = this.sandbox.controlOrigin(provider);
    if (!origin)
      throw this.sandbox.simulators().length
        ? new GatewayError('not_found', `No sandbox simulator '${provider}'.`)
        : notInSandbox();
    const [, query = ''] = request.url.split('?', 2);
    const path = controlPath((request.params as Record<string, string>)['*'] ?? '', query);
    const hasBody = request.body !== undefined && request.body !== null;
    let response: Response;
    try {
      response = await fetch(`${origin}${path}`, {
        method: request.method,
        headers: hasBody ? { 'content-type': 'application/json' } : {},
        body: hasBody ? JSON.stringify(request.body) : undefined,
        signal: AbortSignal.timeout(CONTROL_TIMEOUT_MS),
      });
    } catch {
      throw new UnavailableError(`The ${provider} simulator did not answer.`, 1);
    }
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    const refusal = controlRefusal(provider, path, { status: response.status, body });
    if (refusal) throw refusal;
    return reply.code(response.status).send(body);
  }
}

const notInSandbox = () =>
  new GatewayError('not_found', 'Sandbox mode is off: there are no simulators (SWITCHBOARD_SANDBOX).');
