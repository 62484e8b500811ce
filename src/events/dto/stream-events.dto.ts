import { PickType } from '@nestjs/swagger';
import { ListEventsDto } from './list-events.dto';

/** `GET /v1/events/stream`: the list's position and filters, validated the same way. */
export class StreamEventsDto extends PickType(ListEventsDto, ['after', 'type', 'call_id'] as const) {}
