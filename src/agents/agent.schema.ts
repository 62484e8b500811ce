import type { SchemaObject } from '@nestjs/swagger';
import {
  anyObject,
  arrayOf,
  constant,
  listOf,
  nullableRef,
  nullableText,
  object,
  text,
  time,
} from '../common/api-docs';

export const AGENT_SCHEMAS: Record<string, SchemaObject> = {
  Agent: object(
    {
      id: text('`agt_…`'),
      object: constant('agent'),
      name: text(),
      system_prompt: nullableText(),
      first_message: nullableText(),
      voice: nullableText(),
      model: nullableText(),
      metadata: anyObject(),
      routing: nullableRef('RoutingDto', "Defaults for this agent's calls; a create's own routing wins field by field"),
      bindings: arrayOf(
        object({
          connection_id: text(),
          provider: text(),
          provider_agent_id: text("The agent's id at that vendor"),
          origin: {
            type: 'string',
            enum: ['linked', 'provisioned'],
            description: 'provisioned: created by the gateway, and kept in step on PATCH',
          },
        }),
        'One per connection that can carry this agent: the failover set',
      ),
      created_at: time(),
      updated_at: time(),
    },
    {
      example: {
        id: 'agt_01jgz5z9d2e3f4g5h6j7k8m9n0',
        object: 'agent',
        name: 'Appointment reminder',
        system_prompt: 'You remind patients of their appointments.',
        first_message: 'Hello, this is the clinic calling.',
        voice: null,
        model: null,
        metadata: {},
        routing: null,
        bindings: [
          {
            connection_id: 'con_01jgz5z9c8b7a6s5d4f3g2h1j0',
            provider: 'hmsovereign',
            provider_agent_id: 'asst_42',
            origin: 'linked',
          },
        ],
        created_at: '2026-01-05T14:00:00.000Z',
        updated_at: '2026-01-05T14:00:00.000Z',
      },
    },
  ),
  AgentList: listOf('Agent'),
};
