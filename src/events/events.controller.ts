import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Scopes } from '../auth/scopes';
import { ApiOk } from '../common/api-docs';
import { ListEventsDto } from './dto/list-events.dto';
import { StreamEventsDto } from './dto/stream-events.dto';
import { EventsService } from './events.service';
import { EventStreamsService } from './stream/event-streams.service';

const STREAM_DESCRIPTION = `Server-Sent Events, one per unified event, ascending by sequence:
\`id: <sequence>\`, \`event: <type>\`, \`data: <the event, exactly as GET /v1/events returns it>\`.

- Position: the \`Last-Event-ID\` header, else \`?after=\`, else the end of the log (live events only; \`after=0\` replays
  everything). The header wins because an EventSource reconnects to the URL it was opened with, \`?after=\` included,
  and adds the header with the last id it received. Resuming that way gives every later event exactly once.
- Filters: \`type\` (comma-separated, \`call.*\` wildcards) and \`call_id\`, as GET /v1/events.
- A comment line (\`: heartbeat\`) every 15 s (\`SSE_HEARTBEAT_MS\`) keeps idle connections open; the stream opens
  with a comment naming the sequence it starts after.
- Events written through any instance reach streams on every instance.
- A client that leaves its receive buffer full for 30 s (\`SSE_SLOW_CLIENT_TIMEOUT_MS\`) is disconnected rather than
  buffered for; streams also end when the instance shuts down. Either way, reconnect with \`Last-Event-ID\`.
- At most 20 open streams per key per instance (\`SSE_MAX_STREAMS_PER_KEY\`); one more is 429 \`rate_limited\`.
- A bad \`Last-Event-ID\` or \`after\` is 422 \`validation_failed\` (JSON, before any stream starts).`;

@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/events')
export class EventsController {
  constructor(
    private readonly events: EventsService,
    private readonly streams: EventStreamsService,
  ) {}

  @Get()
  @Scopes('events:read')
  @ApiOperation({
    operationId: 'listEvents',
    summary: 'The unified event log, ascending by sequence; resume with after=<last sequence seen>',
    description: 'Scope `events:read`. A reader that has seen every event up to N never later finds a new one below N.',
  })
  @ApiOk('EventList')
  list(@Query() query: ListEventsDto) {
    return this.events.list(query);
  }

  @Get('stream')
  @Scopes('events:read')
  @ApiOperation({
    operationId: 'streamEvents',
    summary: 'The unified event log, live (Server-Sent Events)',
    description: `Scope \`events:read\`.\n\n${STREAM_DESCRIPTION}`,
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'The sequence of the last event received: the stream resumes after it (wins over after=)',
  })
  @ApiResponse({
    status: 200,
    description: 'An endless text/event-stream',
    content: {
      'text/event-stream': {
        schema: {
          type: 'string',
          example:
            'id: 42\nevent: call.ringing\ndata: {"id":"evt_…","object":"event","type":"call.ringing","sequence":42,…}\n\n',
        },
      },
    },
  })
  stream(@Query() query: StreamEventsDto, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.streams.open(request, reply, query);
  }

  @Get(':id')
  @Scopes('events:read')
  @ApiOperation({
    operationId: 'getEvent',
    summary: 'One event, exactly as webhook deliveries carry it',
    description: 'Scope `events:read`.',
  })
  @ApiOk('Event')
  get(@Param('id') id: string) {
    return this.events.get(id);
  }
}
