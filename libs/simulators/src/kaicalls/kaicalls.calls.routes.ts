import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { normalizeNumber } from '../common';
import { sendError } from './kaicalls.errors';
import { authOf, noteCall } from './kaicalls.guard';
import { driveCall } from './kaicalls.lifecycle';
import { KAICALLS_SEED } from './kaicalls.seed';
import type { KaiCallsState, KcDeps } from './kaicalls.state';
import type { KcCall } from './kaicalls.types';
import type { CreateCallInput } from './kaicalls.validation';
import { asBody, checkCreateCall, checkListQuery } from './kaicalls.validation';
import { callCreated, callDetail, callRow } from './kaicalls.views';

export const CALL_LIST_LIMIT = { limit: 50, max: 100 };

export function newCall(input: CreateCallInput, businessId: string, createdAt: string, request: unknown): KcCall {
  return {
    id: randomUUID(),
    conversation_id: randomUUID(),
    status: 'queued',
    error: null,
    direction: 'outbound',
    agent_id: input.agent_id,
    business_id: businessId,
    to: input.to,
    name: input.name,
    context: input.context,
    first_message: input.first_message,
    lead_id: input.lead_id,
    webhook_url: input.webhook_url,
    max_duration: input.max_duration,
    duration: 0,
    summary: null,
    recording_url: null,
    quality_dimensions: null,
    created_at: createdAt,
    ringing_at: null,
    answered_at: null,
    ended_at: null,
    cost_cents: 0,
    request,
  };
}

/** Newest first, strictly older than the `after` cursor (created_at values are unique). */
export function pageCalls(
  calls: KcCall[],
  query: { limit: number; after: number | null },
): { page: KcCall[]; hasMore: boolean } {
  const older = calls
    .filter((c) => query.after === null || Date.parse(c.created_at) < query.after)
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
  return { page: older.slice(0, query.limit), hasMore: older.length > query.limit };
}

function agentName(state: KaiCallsState, agentId: string): string | null {
  return state.agents.get(agentId)?.name ?? null;
}

export function registerCallRoutes(api: FastifyInstance, { context, state }: KcDeps): void {
  api.post('/calls', { config: { scope: 'calls:write' } }, async (request, reply) => {
    const body = request.body === undefined ? {} : asBody(request.body);
    if (!body) return sendError(reply, 400, 'invalid_request', 'Request body must be a JSON object');
    const checked = checkCreateCall(body);
    if (!checked.ok) return sendError(reply, 400, 'invalid_request', checked.problems.join('; '));
    const input = checked.value;
    const agent = state.agents.get(input.agent_id);
    if (!agent) return sendError(reply, 404, 'not_found', 'Agent not found');
    if (!state.canAccess(authOf(request), agent.business_id))
      return sendError(reply, 403, 'forbidden', 'API key has no access to this business');
    if (normalizeNumber(input.to) === KAICALLS_SEED.dncNumber)
      return sendError(reply, 400, 'number_on_dnc', 'Number is on the Do Not Call list');

    const call = newCall(input, agent.business_id, state.stamp(context.clock.now()), request.body ?? null);
    state.calls.set(call.id, call);
    noteCall(request, call.id);
    driveCall(context, state, call);
    // The ambiguous case: the call is placed, but the client may never see this answer.
    if (await context.faults.afterCreate(request, reply, [call.to])) return reply;
    return reply.code(201).send(callCreated(call));
  });

  // One path serves both the list and, with `?id=`, the single call (bare object).
  api.get('/calls', { config: { scope: 'calls:read' } }, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const key = authOf(request);
    if (query.id !== undefined) {
      const call = state.calls.get(String(query.id));
      if (!call || !state.canAccess(key, call.business_id)) return sendError(reply, 404, 'not_found', 'Call not found');
      noteCall(request, call.id);
      return callDetail(call, agentName(state, call.agent_id));
    }
    const checked = checkListQuery(query, CALL_LIST_LIMIT);
    if (!checked.ok) return sendError(reply, 400, 'invalid_request', checked.problems.join('; '));
    const { agent_id, status } = checked.value;
    const visible = [...state.calls.values()].filter(
      (c) =>
        state.canAccess(key, c.business_id) &&
        (!agent_id || c.agent_id === agent_id) &&
        (!status || c.status === status),
    );
    const { page, hasMore } = pageCalls(visible, checked.value);
    return { calls: page.map((c) => callRow(c, agentName(state, c.agent_id))), has_more: hasMore };
  });
}
