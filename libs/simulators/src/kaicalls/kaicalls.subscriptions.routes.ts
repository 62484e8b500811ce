import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sendError } from './kaicalls.errors';
import { authOf } from './kaicalls.guard';
import type { KcDeps } from './kaicalls.state';
import type { KcSubscription } from './kaicalls.types';
import { KC_EVENTS } from './kaicalls.types';
import type { SubscriptionInput } from './kaicalls.validation';
import { asBody, checkSubscription } from './kaicalls.validation';
import { generateWebhookSecret, signedWebhook } from './kaicalls.webhooks';
import { subscriptionView } from './kaicalls.views';

function applySubscription(sub: KcSubscription, input: SubscriptionInput): void {
  if (input.webhook_url !== null) sub.url = input.webhook_url;
  if (input.business_id !== null) sub.business_id = input.business_id;
  if (input.events !== null) sub.events = [...input.events];
  if (input.description !== null) sub.description = input.description;
  if (input.is_active !== null) sub.is_active = input.is_active;
}

/** Account-level subscriptions (`/api/v1/webhooks`), in the shape the official SDK reads. */
export function registerSubscriptionRoutes(api: FastifyInstance, { context, state }: KcDeps): void {
  const read = { config: { scope: 'webhooks:read' } };
  const write = { config: { scope: 'webhooks:write' } };
  const visible = (request: Parameters<typeof authOf>[0], sub: KcSubscription | undefined) =>
    sub !== undefined && (sub.business_id === null || state.canAccess(authOf(request), sub.business_id));

  api.get('/webhooks', read, async (request) => ({
    webhooks: [...state.subscriptions.values()].filter((s) => visible(request, s)).map(subscriptionView),
    events: [...KC_EVENTS],
  }));

  // `id` in the body makes it an update (upsert); the secret is returned only on create.
  api.post('/webhooks', write, async (request, reply) => {
    const body = request.body === undefined ? {} : asBody(request.body);
    if (!body) return sendError(reply, 400, 'invalid_request', 'Request body must be a JSON object');
    const checked = checkSubscription(body);
    if (!checked.ok) return sendError(reply, 400, 'invalid_request', checked.problems.join('; '));
    const input = checked.value;
    if (input.business_id !== null && !state.canAccess(authOf(request), input.business_id))
      return sendError(reply, 403, 'forbidden', 'API key has no access to this business');
    if (input.id !== null) {
      const existing = state.subscriptions.get(input.id);
      if (!visible(request, existing) || !existing) return sendError(reply, 404, 'not_found', 'Webhook not found');
      applySubscription(existing, input);
      return subscriptionView(existing);
    }
    const sub: KcSubscription = {
      id: randomUUID(),
      url: input.webhook_url!,
      events: [...(input.events ?? KC_EVENTS)],
      description: input.description,
      business_id: input.business_id ?? authOf(request).business_id,
      is_active: input.is_active ?? true,
      secret: generateWebhookSecret(),
      created_at: state.stamp(context.clock.now()),
    };
    state.subscriptions.set(sub.id, sub);
    return reply.code(201).send({ ...subscriptionView(sub), webhook_secret: sub.secret });
  });

  api.delete('/webhooks', write, async (request, reply) => {
    const id = (request.query as Record<string, unknown>).id;
    if (typeof id !== 'string' || !id) return sendError(reply, 400, 'bad_request', 'Missing id parameter');
    if (!visible(request, state.subscriptions.get(id))) return sendError(reply, 404, 'not_found', 'Webhook not found');
    state.subscriptions.delete(id);
    return { success: true };
  });

  // A signed synthetic `webhook.test` to one subscription (`id`) or to every active one.
  api.post('/webhooks/test', write, async (request, reply) => {
    const body = asBody(request.body) ?? {};
    const targets =
      typeof body.id === 'string'
        ? [state.subscriptions.get(body.id)]
        : [...state.subscriptions.values()].filter((s) => s.is_active);
    if (targets.some((s) => !visible(request, s))) return sendError(reply, 404, 'not_found', 'Webhook not found');
    const timestamp = context.clock.now().toISOString();
    for (const sub of targets as KcSubscription[])
      void context.webhooks.deliver(signedWebhook(sub, { event: 'webhook.test', webhook_id: sub.id, timestamp }));
    return { success: true, sent: targets.length };
  });

  api.post('/webhooks/rotate-secret', write, async (request, reply) => {
    const id = asBody(request.body)?.id;
    if (typeof id !== 'string' || !id) return sendError(reply, 400, 'invalid_request', 'id is required');
    const sub = state.subscriptions.get(id);
    if (!visible(request, sub) || !sub) return sendError(reply, 404, 'not_found', 'Webhook not found');
    sub.secret = generateWebhookSecret();
    return { id: sub.id, webhook_secret: sub.secret };
  });
}
