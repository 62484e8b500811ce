import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/scopes';
import { RedeliverDto } from './dto/webhook-endpoint.dto';
import { WebhookEndpointsService } from './webhook-endpoints.service';

@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/events')
export class EventRedeliveryController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Post(':id/redeliver')
  @HttpCode(202)
  @Scopes('webhooks:write')
  @ApiOperation({ summary: "Send the event again, as new deliveries: to endpoint_id, or to every endpoint subscribed to it now and its call's webhook_url" })
  redeliver(@Param('id') id: string, @Body() dto: RedeliverDto) {
    return this.endpoints.redeliver(id, dto ?? {});
  }
}
