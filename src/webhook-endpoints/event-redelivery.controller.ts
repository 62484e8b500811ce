import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/scopes';
import { ApiErrors, ApiOk } from '../common/api-docs';
import { REDELIVER_EXAMPLES, RedeliverDto } from './dto/webhook-endpoint.dto';
import { WebhookEndpointsService } from './webhook-endpoints.service';

@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/events')
export class EventRedeliveryController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Post(':id/redeliver')
  @HttpCode(202)
  @Scopes('webhooks:write')
  @ApiOperation({
    operationId: 'redeliverEvent',
    summary:
      "Send the event again, as new deliveries: to endpoint_id, or to every endpoint subscribed to it now and its call's webhook_url",
    description:
      'Scope `webhooks:write`. 409 when endpoint_id is disabled or not subscribed to the event; 404 when it names no endpoint.',
  })
  @ApiBody({ type: RedeliverDto, required: false, examples: REDELIVER_EXAMPLES })
  @ApiOk('Redelivery', { status: 202, description: 'Accepted: the new deliveries' })
  @ApiErrors('conflict')
  redeliver(@Param('id') id: string, @Body() dto: RedeliverDto) {
    return this.endpoints.redeliver(id, dto ?? {});
  }
}
