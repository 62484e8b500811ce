import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../auth/scopes';
import { ListEventsDto } from './dto/list-events.dto';
import { EventsService } from './events.service';

@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get()
  @Scopes('events:read')
  @ApiOperation({ summary: 'The unified event log, ascending by sequence; resume with after=<last sequence seen>' })
  list(@Query() query: ListEventsDto) {
    return this.events.list(query);
  }

  @Get(':id')
  @Scopes('events:read')
  @ApiOperation({ summary: 'One event' })
  get(@Param('id') id: string) {
    return this.events.get(id);
  }
}
