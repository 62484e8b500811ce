import type { FastifyInstance, FastifyReply } from 'fastify';
import { badRequest, notFound, sendError } from './hmsovereign.errors';
import type { HmsDeps } from './hmsovereign.calls.routes';
import { paginate, withinDates } from './hmsovereign.state';
import { checkAssistantInput, checkListQuery, checkNumberInput } from './hmsovereign.validation';

type IdParams = { Params: { id: string } };

/** Assistants (the API reference says "agents"; the paths say assistants). Bodies are wrapped. */
export function registerAssistantRoutes(app: FastifyInstance, { store }: HmsDeps): void {
  app.get('/assistants', async () => ({ assistants: [...store.assistants.values()] }));

  app.post('/assistants', async (request, reply) => {
    const checked = checkAssistantInput(request.body, true);
    if (!checked.ok) return badRequest(reply, checked.message, checked.param);
    return reply.code(201).send({ assistant: store.createAssistant(checked.value) });
  });

  app.get<IdParams>('/assistants/:id', async (request, reply) => {
    const assistant = store.assistants.get(request.params.id);
    return assistant ? { assistant } : notFound(reply, 'Assistant');
  });

  app.patch<IdParams>('/assistants/:id', async (request, reply) => {
    const assistant = store.assistants.get(request.params.id);
    if (!assistant) return notFound(reply, 'Assistant');
    const checked = checkAssistantInput(request.body ?? {}, false);
    if (!checked.ok) return badRequest(reply, checked.message, checked.param);
    return { assistant: store.updateAssistant(assistant, checked.value) };
  });

  app.delete<IdParams>('/assistants/:id', async (request, reply) => {
    if (!store.assistants.has(request.params.id)) return notFound(reply, 'Assistant');
    store.deleteAssistant(request.params.id);
    return { success: true };
  });
}

/** Phone numbers; they still say `agent_id`. */
export function registerNumberRoutes(app: FastifyInstance, { store }: HmsDeps): void {
  const unknownAgent = (agentId: unknown, reply: FastifyReply) =>
    typeof agentId === 'string' && !store.assistants.has(agentId) ? notFound(reply, 'Assistant') : null;

  app.get('/numbers', async () => ({ numbers: [...store.numbers.values()].map((n) => store.numberView(n)) }));

  app.post('/numbers', async (request, reply) => {
    const checked = checkNumberInput(request.body, true);
    if (!checked.ok) return badRequest(reply, checked.message, checked.param);
    const input = checked.value;
    if ([...store.numbers.values()].some((n) => n.phone_number === input.phone_number))
      return sendError(reply, 409, 'Phone number already exists', 'phone_number');
    const missing = unknownAgent(input.agent_id, reply);
    if (missing) return missing;
    return reply.code(201).send({ number: store.numberView(store.createNumber(input)) });
  });

  app.get<IdParams>('/numbers/:id', async (request, reply) => {
    const number = store.numbers.get(request.params.id);
    return number ? { number: store.numberView(number) } : notFound(reply, 'Number');
  });

  app.patch<IdParams>('/numbers/:id', async (request, reply) => {
    const number = store.numbers.get(request.params.id);
    if (!number) return notFound(reply, 'Number');
    const checked = checkNumberInput(request.body ?? {}, false);
    if (!checked.ok) return badRequest(reply, checked.message, checked.param);
    const missing = unknownAgent(checked.value.agent_id, reply);
    if (missing) return missing;
    return { number: store.numberView(store.updateNumber(number, checked.value)) };
  });

  app.delete<IdParams>('/numbers/:id', async (request, reply) => {
    if (!store.numbers.delete(request.params.id)) return notFound(reply, 'Number');
    return { success: true };
  });
}

/** Usage: one log per finished call, newest first, with totals over every matching call. */
export function registerUsageRoutes(app: FastifyInstance, { store }: HmsDeps): void {
  app.get('/usage', async (request, reply) => {
    const checked = checkListQuery(request.query as Record<string, string | undefined>, false);
    if (!checked.ok) return badRequest(reply, checked.message, checked.param);
    const logs = store
      .callsNewestFirst()
      .map((call) => call.record)
      .filter((r) => (r.status === 'ended' || r.status === 'failed') && withinDates(r.created_at, checked.value))
      .map((r) => ({
        id: r.id,
        duration_sec: r.duration_seconds,
        phone_number: r.assistant_phone,
        agent_name: r.agent_name,
        business_name: r.business_name,
        created_at: r.created_at,
      }));
    const totalSeconds = logs.reduce((sum, log) => sum + log.duration_sec, 0);
    const { rows, pagination } = paginate(logs, checked.value);
    return {
      logs: rows,
      pagination,
      summary: {
        total_calls: logs.length,
        total_duration_seconds: totalSeconds,
        total_duration_minutes: Math.round((totalSeconds / 60) * 100) / 100,
      },
    };
  });
}
