import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sendError } from './kaicalls.errors';
import { authOf } from './kaicalls.guard';
import type { KcDeps } from './kaicalls.state';
import { DEFAULT_FIRST_MESSAGE, DEFAULT_MODEL, DEFAULT_VOICE } from './kaicalls.state';
import type { KcAgent } from './kaicalls.types';
import type { AgentFields } from './kaicalls.validation';
import { asBody, checkCreateAgent, checkPatchAgent } from './kaicalls.validation';
import { agentCreated, agentDetail, agentRow, agentUpdated, numberRow } from './kaicalls.views';

/** PATCH semantics: given fields replace, `model` and `metadata` are merged (metadata per the docs). */
export function applyAgentPatch(agent: KcAgent, fields: AgentFields, sdk: Record<string, unknown>): void {
  if (fields.name !== undefined) agent.name = fields.name;
  if (fields.system_prompt !== undefined) agent.system_prompt = fields.system_prompt;
  if (fields.first_message !== undefined) agent.first_message = fields.first_message;
  if (fields.voice !== undefined) agent.voice = { ...fields.voice };
  if (fields.model !== undefined) agent.model = { ...agent.model, ...fields.model };
  if (fields.metadata !== undefined) agent.metadata = { ...agent.metadata, ...fields.metadata };
  agent.sdk_fields = { ...agent.sdk_fields, ...sdk };
}

export function registerAgentRoutes(api: FastifyInstance, { context, state }: KcDeps): void {
  api.get('/agents', { config: { scope: 'agents:read' } }, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const key = authOf(request);
    if (query.id !== undefined) {
      const agent = state.agents.get(String(query.id));
      if (!agent || !state.canAccess(key, agent.business_id))
        return sendError(reply, 404, 'not_found', 'Agent not found');
      return agentDetail(agent);
    }
    return { agents: [...state.agents.values()].filter((a) => state.canAccess(key, a.business_id)).map(agentRow) };
  });

  api.post('/agents', { config: { scope: 'agents:write' } }, async (request, reply) => {
    const body = request.body === undefined ? {} : asBody(request.body);
    if (!body) return sendError(reply, 400, 'invalid_request', 'Request body must be a JSON object');
    const checked = checkCreateAgent(body);
    if (!checked.ok) return sendError(reply, 400, 'invalid_request', checked.problems.join('; '));
    const input = checked.value;
    if (!state.businesses().includes(input.business_id) || !state.canAccess(authOf(request), input.business_id))
      return sendError(reply, 403, 'forbidden', 'API key has no access to this business');
    const agent: KcAgent = {
      id: randomUUID(),
      name: input.name,
      business_id: input.business_id,
      vapi_assistant_id: randomUUID(),
      phone_number: null,
      system_prompt: input.system_prompt,
      first_message: input.first_message ?? DEFAULT_FIRST_MESSAGE,
      voice: input.voice ? { ...input.voice } : { ...DEFAULT_VOICE },
      model: { ...DEFAULT_MODEL, ...input.model },
      metadata: { ...input.metadata },
      sdk_fields: {},
      created_at: state.stamp(context.clock.now()),
    };
    state.agents.set(agent.id, agent);
    return reply.code(201).send(agentCreated(agent));
  });

  api.patch('/agents', { config: { scope: 'agents:write' } }, async (request, reply) => {
    const body = request.body === undefined ? {} : asBody(request.body);
    if (!body) return sendError(reply, 400, 'invalid_request', 'Request body must be a JSON object');
    const checked = checkPatchAgent(body);
    if (!checked.ok) return sendError(reply, 400, 'invalid_request', checked.problems.join('; '));
    const agent = state.agents.get(checked.value.id);
    if (!agent || !state.canAccess(authOf(request), agent.business_id))
      return sendError(reply, 404, 'not_found', 'Agent not found');
    applyAgentPatch(agent, checked.value, checked.value.sdk);
    return agentUpdated(agent);
  });

  // The seed documents /numbers, the SDK calls /phone-numbers: same list on both.
  for (const path of ['/numbers', '/phone-numbers']) {
    api.get(path, { config: { scope: 'numbers:read' } }, async (request) => {
      const query = (request.query ?? {}) as Record<string, unknown>;
      const key = authOf(request);
      const numbers = [...state.numbers.values()].filter(
        (n) =>
          state.canAccess(key, n.business_id) &&
          (query.business_id === undefined || n.business_id === query.business_id) &&
          (query.phone_number === undefined || n.phone_number === query.phone_number),
      );
      return { numbers: numbers.map(numberRow) };
    });
  }
}
