import type { FastifyInstance } from 'fastify';
import type { SimContext } from '../common';
import { badRequest, CONTROL_LIMIT, notFound, outOfCredits, sendRateLimited } from './hmsovereign.errors';
import { hangUp, placeCall } from './hmsovereign.lifecycle';
import type { HmsStore } from './hmsovereign.state';
import { paginate, withinDates } from './hmsovereign.state';
import type { HmsCall, NumberRecord } from './hmsovereign.types';
import type { ControlCommand } from './hmsovereign.validation';
import { checkControl, checkListQuery, checkOutbound } from './hmsovereign.validation';

export interface HmsDeps {
  context: SimContext;
  store: HmsStore;
}

type IdParams = { Params: { id: string } };

/** `POST /calls/outbound`, `GET /calls`, `GET /calls/{id}`, `POST /calls/{id}/control`. */
export function registerCallRoutes(app: FastifyInstance, { context, store }: HmsDeps): void {
  app.post('/calls/outbound', async (request, reply) => {
    const checked = checkOutbound(request.body);
    if (!checked.ok) return badRequest(reply, checked.message, checked.param);
    const input = checked.value;
    const saved = input.assistantId ? store.assistants.get(input.assistantId) : undefined;
    if (input.assistantId && !saved) return notFound(reply, 'Assistant');
    if (saved && !saved.is_active) return badRequest(reply, 'Assistant is inactive', 'assistant_id');
    let number: NumberRecord | undefined;
    if (input.numberId) {
      number = store.numbers.get(input.numberId);
      if (!number) return notFound(reply, 'Number');
      if (!number.is_active) return badRequest(reply, 'Number is inactive', 'number_id');
    } else {
      number = store.callerNumberFor(saved?.id ?? null);
      if (!number) return badRequest(reply, 'No active phone number available for outbound calls', 'number_id');
    }
    if (store.account.credits_exhausted) return outOfCredits(reply);

    const call = placeCall(context, store, { input, request: request.body as Record<string, unknown>, saved, number });
    // The call exists now; an `after_create` fault makes the answer get lost on the way back.
    if (await context.faults.afterCreate(request, reply, [input.destination])) return reply;
    return { success: true, call_id: call.record.id, room_name: call.record.room_name, status: 'dialing' };
  });

  app.get('/calls', async (request, reply) => {
    const checked = checkListQuery(request.query as Record<string, string | undefined>, true);
    if (!checked.ok) return badRequest(reply, checked.message, checked.param);
    const query = checked.value;
    const matching = store
      .callsNewestFirst()
      .map((call) => call.record)
      .filter((record) => (!query.status || record.status === query.status) && withinDates(record.created_at, query));
    const { rows, pagination } = paginate(matching, query);
    return { calls: rows, pagination };
  });

  // The SDK puts list ids such as `call-_+316…` into the path unencoded; a raw `+` and `%2B` both work.
  app.get<IdParams>('/calls/:id', async (request, reply) => {
    const call = store.calls.get(request.params.id);
    return call ? call.record : notFound(reply, 'Call');
  });

  app.post<IdParams>('/calls/:id/control', async (request, reply) => {
    const call = store.calls.get(request.params.id);
    if (!call) return notFound(reply, 'Call');
    const checked = checkControl(request.body);
    if (!checked.ok) return badRequest(reply, checked.message, checked.param);
    if (call.record.status !== 'in-progress')
      return badRequest(reply, `Call is not active (status: ${call.record.status})`);
    const decision = context.limiter.take(`control:${call.record.id}`, [CONTROL_LIMIT]);
    if (!decision.allowed) return sendRateLimited(reply, decision.retryAfterSeconds, 'commands for this call');
    call.commands.push({
      type: checked.value.type,
      body: request.body as Record<string, unknown>,
      at: new Date().toISOString(),
    });
    execute(context, call, checked.value);
    return { success: true, message: 'Command sent successfully' };
  });
}

/** Commands are asynchronous on the line: the 200 only means the agent got it. */
function execute(context: SimContext, call: HmsCall, command: ControlCommand): void {
  const { messages } = call.record;
  switch (command.type) {
    case 'inject-context':
      // Silent context never shows in the transcript; only the agent's own reply would.
      return;
    case 'say':
      if (command.end_after)
        return hangUp(context, call, command.content, 'Gesprek beëindigd door de assistent na een laatste bericht.');
      messages.push({ role: 'assistant', content: command.content! });
      return;
    case 'end-call':
      return hangUp(context, call, command.message, 'Gesprek beëindigd via de API.');
    case 'transfer':
      return hangUp(context, call, command.message, `Gesprek doorverbonden naar ${command.destination}.`);
  }
}
