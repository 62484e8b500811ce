import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/scopes';
import { ListQueryDto } from '../common/pagination';
import { CreateWebhookEndpointDto, ListDeliveriesDto, RedeliverDto, ReplayDto, UpdateWebhookEndpointDto } from './dto/webhook-endpoint.dto';
import { WebhookEndpointsService } from './webhook-endpoints.service';

@ApiTags('webhook-endpoints')
@ApiBearerAuth()
@Controller('v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Post()
  @Scopes('webhooks:write')
  @ApiOperation({ summary: 'Subscribe a consumer URL to events; the answer carries its signing secret (whsec_…), shown only here' })
  create(@Body() dto: CreateWebhookEndpointDto) {
    return this.endpoints.create(dto);
  }

  @Get()
  @Scopes('webhooks:write')
  list(@Query() query: ListQueryDto) {
    return this.endpoints.list(query);
  }

  // Before ':id', which would otherwise take this path.
  @Get('default-secret')
  @Scopes('webhooks:write')
  @ApiOperation({ summary: "The gateway-wide secret that signs deliveries to a call's own webhook_url" })
  defaultSecret() {
    return this.endpoints.defaultSigningSecret();
  }

  @Get(':id')
  @Scopes('webhooks:write')
  get(@Param('id') id: string) {
    return this.endpoints.get(id);
  }

  @Patch(':id')
  @Scopes('webhooks:write')
  @ApiOperation({ summary: 'Change url, event_types, description or enabled; enabling again clears disabled_reason' })
  update(@Param('id') id: string, @Body() dto: UpdateWebhookEndpointDto) {
    return this.endpoints.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes('webhooks:write')
  @ApiOperation({ summary: 'Remove the endpoint and its deliveries' })
  async remove(@Param('id') id: string): Promise<void> {
    await this.endpoints.remove(id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Scopes('webhooks:write')
  @ApiOperation({ summary: 'A new signing secret, shown once; for 24 h deliveries carry signatures with both the new and the old one' })
  rotateSecret(@Param('id') id: string) {
    return this.endpoints.rotateSecret(id);
  }

  @Get(':id/deliveries')
  @Scopes('webhooks:write')
  @ApiOperation({ summary: 'Deliveries to this endpoint, newest first: status, every attempt (status code, latency, response snippet, error), next attempt time' })
  deliveries(@Param('id') id: string, @Query() query: ListDeliveriesDto) {
    return this.endpoints.listDeliveries(id, query);
  }

  @Post(':id/replay')
  @HttpCode(202)
  @Scopes('webhooks:write')
  @ApiOperation({ summary: 'Deliver again every subscribed event with a sequence above after_sequence' })
  replay(@Param('id') id: string, @Body() dto: ReplayDto) {
    return this.endpoints.replay(id, dto);
  }
}
