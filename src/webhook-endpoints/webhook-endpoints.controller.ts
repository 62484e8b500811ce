import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/scopes';
import { ApiErrors, ApiNoContent, ApiOk } from '../common/api-docs';
import { ListQueryDto } from '../common/pagination';
import {
  CREATE_WEBHOOK_ENDPOINT_EXAMPLES,
  CreateWebhookEndpointDto,
  ListDeliveriesDto,
  REPLAY_EXAMPLES,
  ReplayDto,
  UPDATE_WEBHOOK_ENDPOINT_EXAMPLES,
  UpdateWebhookEndpointDto,
} from './dto/webhook-endpoint.dto';
import { WebhookEndpointsService } from './webhook-endpoints.service';

@ApiTags('webhook-endpoints')
@ApiBearerAuth()
@Controller('v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Post()
  @Scopes('webhooks:write')
  @ApiOperation({
    operationId: 'createWebhookEndpoint',
    summary: 'Subscribe a consumer URL to events; the answer carries its signing secret (whsec_…), shown only here',
    description: 'Scope `webhooks:write`.',
  })
  @ApiBody({ type: CreateWebhookEndpointDto, examples: CREATE_WEBHOOK_ENDPOINT_EXAMPLES })
  @ApiOk('WebhookEndpointWithSecret', { status: 201 })
  create(@Body() dto: CreateWebhookEndpointDto) {
    return this.endpoints.create(dto);
  }

  @Get()
  @Scopes('webhooks:write')
  @ApiOperation({
    operationId: 'listWebhookEndpoints',
    summary: 'List endpoints, newest first (never their secrets)',
    description: 'Scope `webhooks:write`.',
  })
  @ApiOk('WebhookEndpointList')
  list(@Query() query: ListQueryDto) {
    return this.endpoints.list(query);
  }

  // Before ':id', which would otherwise take this path.
  @Get('default-secret')
  @Scopes('webhooks:write')
  @ApiOperation({
    operationId: 'getDefaultWebhookSecret',
    summary: "The gateway-wide secret that signs deliveries to a call's own webhook_url",
    description: 'Scope `webhooks:write`.',
  })
  @ApiOk('DefaultWebhookSecret')
  defaultSecret() {
    return this.endpoints.defaultSigningSecret();
  }

  @Get(':id')
  @Scopes('webhooks:write')
  @ApiOperation({ operationId: 'getWebhookEndpoint', summary: 'One endpoint', description: 'Scope `webhooks:write`.' })
  @ApiOk('WebhookEndpoint')
  get(@Param('id') id: string) {
    return this.endpoints.get(id);
  }

  @Patch(':id')
  @Scopes('webhooks:write')
  @ApiOperation({
    operationId: 'updateWebhookEndpoint',
    summary: 'Change url, event_types, description or enabled; enabling again clears disabled_reason',
    description: 'Scope `webhooks:write`.',
  })
  @ApiBody({ type: UpdateWebhookEndpointDto, examples: UPDATE_WEBHOOK_ENDPOINT_EXAMPLES })
  @ApiOk('WebhookEndpoint')
  update(@Param('id') id: string, @Body() dto: UpdateWebhookEndpointDto) {
    return this.endpoints.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes('webhooks:write')
  @ApiOperation({
    operationId: 'deleteWebhookEndpoint',
    summary: 'Remove the endpoint and its deliveries',
    description: 'Scope `webhooks:write`.',
  })
  @ApiNoContent()
  async remove(@Param('id') id: string): Promise<void> {
    await this.endpoints.remove(id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Scopes('webhooks:write')
  @ApiOperation({
    operationId: 'rotateWebhookEndpointSecret',
    summary: 'A new signing secret, shown once; for 24 h deliveries carry signatures with both the new and the old one',
    description: 'Scope `webhooks:write`.',
  })
  @ApiOk('WebhookEndpointWithSecret')
  rotateSecret(@Param('id') id: string) {
    return this.endpoints.rotateSecret(id);
  }

  @Get(':id/deliveries')
  @Scopes('webhooks:write')
  @ApiOperation({
    operationId: 'listWebhookDeliveries',
    summary:
      'Deliveries to this endpoint, newest first: status, every attempt (status code, latency, response snippet, error), next attempt time',
    description: 'Scope `webhooks:write`.',
  })
  @ApiOk('DeliveryList')
  deliveries(@Param('id') id: string, @Query() query: ListDeliveriesDto) {
    return this.endpoints.listDeliveries(id, query);
  }

  @Post(':id/replay')
  @HttpCode(202)
  @Scopes('webhooks:write')
  @ApiOperation({
    operationId: 'replayWebhookEndpoint',
    summary: 'Deliver again every subscribed event with a sequence above after_sequence',
    description: 'Scope `webhooks:write`. 409 while the endpoint is disabled.',
  })
  @ApiBody({ type: ReplayDto, examples: REPLAY_EXAMPLES })
  @ApiOk('Replay', { status: 202, description: 'Accepted: the new deliveries are queued' })
  @ApiErrors('conflict')
  replay(@Param('id') id: string, @Body() dto: ReplayDto) {
    return this.endpoints.replay(id, dto);
  }
}
