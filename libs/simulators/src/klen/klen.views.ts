import type { KlenContact } from './klen.seed';
import type { KlenCall, KlenCallEvent } from './klen.state';

/** Klen's examples show second precision with a `Z` suffix. */
export function iso(date: Date | null): string | null {
  return date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : null;
}

function agentRef(call: KlenCall) {
  return { id: call.agent.id, name: call.agent.name, assistant_id: call.agent.assistant_id };
}

/** POST /calls response. */
export function createdView(call: KlenCall) {
  return {
    id: call.id,
    call_id: call.call_id,
    status: call.status,
    type: call.type,
    phone_number: call.phone_number,
    agent: agentRef(call),
    created_at: iso(call.created_at),
    estimated_start: iso(call.estimated_start),
  };
}

/** GET /calls item: the string call id is `id` here and the assistant id is `agent_id`. */
export function listItemView(call: KlenCall) {
  const c = call.contact;
  return {
    id: call.call_id,
    agent_id: call.agent.assistant_id,
    agent_name: call.agent.name,
    status: call.status,
    type: call.type,
    phone_number: call.phone_number,
    started_at: iso(call.started_at),
    ended_at: iso(call.ended_at),
    duration_seconds: call.duration_seconds,
    summary: call.summary,
    recording_url: call.recording_url,
    contact: c ? { id: c.id, name: c.name, email: c.email, company: c.company } : null,
  };
}

/** GET /calls/{call_id}. The failure reason is not part of it (webhook only). */
export function detailView(call: KlenCall) {
  const c = call.contact;
  return {
    id: call.id,
    agent: agentRef(call),
    call_id: call.call_id,
    status: call.status,
    type: call.type,
    phone_number: call.phone_number,
    started_at: iso(call.started_at),
    ended_at: iso(call.ended_at),
    duration_seconds: call.duration_seconds,
    summary: call.summary,
    transcript: call.transcript,
    recording_url: call.recording_url,
    contact: c
      ? {
          id: c.id,
          name: c.name,
          email: c.email,
          company: c.company,
          status: c.status,
          stage: c.stage,
          last_call_date: c.last_call_date,
        }
      : null,
    team: { ...call.agent.team },
    billing: { ...call.billing },
  };
}

function webhookContact(c: KlenContact) {
  return { id: c.id, name: c.name, email: c.email, phone: c.phone, company: c.company };
}

/**
 * Webhook body: the documented common payload plus each event's additions. The integer id
 * is `call.id` and the string id `call.klen_call_id`; a contact appears only when linked.
 */
export function webhookPayload(call: KlenCall, event: KlenCallEvent, at: Date) {
  const body: Record<string, unknown> = {
    id: call.id,
    klen_call_id: call.call_id,
    agent_id: call.agent.id,
    agent_name: call.agent.name,
    status: call.status,
    type: call.type,
    phone_number: call.phone_number,
    started_at: iso(call.started_at),
    ended_at: iso(call.ended_at),
    duration_seconds: call.duration_seconds,
    summary: call.summary,
    duration: call.duration_seconds,
  };
  if (event === 'call.started') body.assistant_id = call.agent.assistant_id;
  if (event === 'call.failed') body.failure_reason = call.failure_reason;
  if (event === 'call.transcript') body.transcript = call.transcript;
  if (event === 'call.recording') body.recording_url = call.recording_url;
  if (call.contact) body.contact = webhookContact(call.contact);
  return { event_type: event, call: body, timestamp: iso(at) };
}

/** Canned conversation text, so transcript and summary read like a real call. */
export function conversationText(call: KlenCall): { transcript: string; summary: string } {
  const who = call.contact?.name.split(' ')[0] ?? 'there';
  const transcript = [
    `Agent: Hi ${who}, this is ${call.agent.name} from the ${call.agent.team.name} team. Do you have a minute?`,
    'Customer: Yes, go ahead.',
    'Agent: I am calling about your plan, which is up for renewal. Shall I renew it on the same terms?',
    'Customer: Yes, please do.',
    'Agent: Done. You will receive a confirmation email shortly. Thank you!',
  ].join('\n');
  const summary = `${call.contact?.name ?? 'The customer'} agreed to renew on the same terms (${call.duration_seconds} s call).`;
  return { transcript, summary };
}

export function recordingUrl(call: KlenCall): string {
  return `https://storage.klen.ai/recordings/${call.call_id}.mp3`;
}
