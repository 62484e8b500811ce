import { randomBytes, randomUUID } from 'node:crypto';
import type { Outcome, Scenario, SimContext } from '../common';
import { runLifecycle } from '../common';
import type { HmsStore } from './hmsovereign.state';
import type {
  AssistantRecord,
  CallConfig,
  CallRecord,
  HmsCall,
  NumberRecord,
  ToolDefinition,
  WebhookTarget,
} from './hmsovereign.types';
import type { OutboundInput } from './hmsovereign.validation';
import { isObject } from './hmsovereign.validation';
import { emit, endOfCallReport, resolveTarget, statusUpdate, toolCalls } from './hmsovereign.webhooks';

/** Simulated ms between hang-up and the end-of-call report ("once summary/analysis are done"). */
export const REPORT_DELAY_MS = 2_000;
/** Simulated ms the agent needs to speak a last sentence before a commanded hang-up. */
export const LAST_WORDS_MS = 3_000;

/** Never-answered calls are `failed` with free text; gateways substring-match "busy"/"no answer". */
export const FAILURE_TEXT: Record<Exclude<Outcome, 'completed'>, string> = {
  no_answer: 'SIP 480 no answer',
  busy: 'SIP 486 busy',
  failed: 'SIP 503 service unavailable',
};

const pick = (source: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]));

/** Saved assistant with `assistant_override` on top, or the transient `assistant` as sent. */
export function buildCallConfig(
  input: OutboundInput,
  saved: AssistantRecord | undefined,
  account: HmsStore['account'],
): CallConfig {
  const base: Record<string, unknown> = saved
    ? { ...saved, ...(input.override ?? {}) }
    : { ...(input.transient ?? {}) };
  const llm = isObject(base.llm_config) ? base.llm_config : {};
  const firstMessage = input.firstMessage ?? (typeof base.first_message === 'string' ? base.first_message : null);
  return {
    first_message: firstMessage,
    max_duration_seconds: typeof base.max_duration_seconds === 'number' ? base.max_duration_seconds : null,
    target: resolveTarget(base, account),
    tools: Array.isArray(llm.tools) ? (llm.tools.filter(isObject) as ToolDefinition[]) : [],
    analysis_plan: base.analysis_plan ?? null,
    assistant: { ...pick(base, ['llm_config', 'stt_config', 'tts_config', 'metadata']), first_message: firstMessage },
  };
}

/** An assistant's `max_duration_seconds` cuts the conversation short, as it would on the line. */
function capTalk(scenario: Scenario, maxSeconds: number | null): Scenario {
  return maxSeconds ? { ...scenario, talk_ms: Math.min(scenario.talk_ms, maxSeconds * 1000) } : scenario;
}

export interface PlaceCallInput {
  input: OutboundInput;
  request: Record<string, unknown>;
  saved: AssistantRecord | undefined;
  number: NumberRecord;
}

/** Stores the call and starts its lifecycle: connecting → in-progress → ended, or failed. */
export function placeCall(
  context: SimContext,
  store: HmsStore,
  { input, request, saved, number }: PlaceCallInput,
): HmsCall {
  const now = context.clock.now().toISOString();
  const config = buildCallConfig(input, saved, store.account);
  const view = store.numberView(number);
  const record: CallRecord = {
    id: randomUUID(),
    caller_phone: input.destination,
    assistant_phone: number.phone_number,
    status: 'connecting',
    error: null,
    started_at: null,
    ended_at: null,
    duration_seconds: 0,
    summary: null,
    agent_name: saved?.name ?? null,
    business_name: saved?.business_name ?? view.business_name,
    created_at: now,
    updated_at: now,
    direction: 'outbound',
    end_reason: null,
    analysis_result: null,
    messages: [],
    room_name: `outbound-${randomBytes(4).toString('hex')}`,
    recording_url: null,
    agent_id: saved?.id ?? null,
    number_id: number.id,
    phone_number: number.phone_number,
  };
  const scenario = capTalk(context.scenarios.for(input.destination), config.max_duration_seconds);
  const timers: (() => void)[] = [];
  const call: HmsCall = {
    record,
    request,
    config,
    scenario,
    stream: context.webhooks.stream(scenario.webhooks),
    commands: [],
    answeredAtMs: null,
    stop: () => timers.splice(0).forEach((cancel) => cancel()),
  };
  const later = (ms: number, fn: () => void) => timers.push(context.clock.after(ms, fn));
  store.calls.set(record.id, call);
  timers.push(
    runLifecycle(context.clock, scenario, {
      // The record has no ringing value: it stays `connecting` until answered.
      ringing: () => undefined,
      answered: (at) => answer(context, call, at, later),
      ended: (at, outcome, seconds) => {
        if (outcome !== 'completed') return finishUnanswered(call, at, outcome);
        record.messages.push({ role: 'user', content: 'Ja, dat komt goed uit. Dank u wel.' });
        finishAnswered(context, call, at, seconds, later);
      },
    }),
  );
  return call;
}

type Later = (ms: number, fn: () => void) => void;

function touch(record: CallRecord, at: Date): void {
  record.updated_at = at.toISOString();
}

export const isTerminal = (record: CallRecord) => record.status === 'ended' || record.status === 'failed';

function answer(context: SimContext, call: HmsCall, at: Date, later: Later): void {
  const { record } = call;
  record.status = 'in-progress';
  record.started_at = at.toISOString();
  touch(record, at);
  call.answeredAtMs = at.getTime();
  if (call.config.first_message) record.messages.push({ role: 'assistant', content: call.config.first_message });
  emit(call, 'status-update', statusUpdate(record, 'in-progress', at), at);
  scheduleToolCall(context, call, later);
}

/** With a function tool configured, the model calls it once halfway through the conversation. */
function scheduleToolCall(context: SimContext, call: HmsCall, later: Later): void {
  const tool = call.config.tools.find((t) => typeof t.function?.name === 'string');
  if (!tool) return;
  // A tool's own server URL wins over the call's webhook and ignores its event filter.
  const target: WebhookTarget | null = tool.server?.url
    ? { url: tool.server.url, secret: tool.server.secret ?? null, events: null }
    : call.config.target;
  later(call.scenario.talk_ms / 2, () => {
    const at = context.clock.now();
    const id = `call_${randomBytes(12).toString('hex')}`;
    emit(call, 'tool-calls', toolCalls(call, tool.function!.name!, id, at), at, target);
  });
}

function finishAnswered(
  context: SimContext,
  call: HmsCall,
  at: Date,
  seconds: number,
  later: Later,
  summary?: string,
): void {
  const { record } = call;
  if (isTerminal(record)) return;
  call.stop();
  record.status = 'ended';
  record.ended_at = at.toISOString();
  record.duration_seconds = seconds;
  record.summary = summary ?? `Uitgaand gesprek met ${record.caller_phone} afgerond na ${seconds} seconden.`;
  record.recording_url = `https://storage.hmsovereign.com/recordings/${record.room_name}.ogg`;
  if (call.config.analysis_plan) record.analysis_result = { structured_data: {} };
  touch(record, at);
  emit(call, 'status-update', statusUpdate(record, 'ended', at), at);
  later(REPORT_DELAY_MS, () => {
    const reportAt = context.clock.now();
    emit(call, 'end-of-call-report', endOfCallReport(call, reportAt), reportAt);
    call.stream.end();
  });
}

/** Never answered: one `status-update` (`ended-with-error`) and no report. */
function finishUnanswered(call: HmsCall, at: Date, outcome: Exclude<Outcome, 'completed'>): void {
  const { record } = call;
  call.stop();
  record.status = 'failed';
  record.error = FAILURE_TEXT[outcome];
  record.ended_at = at.toISOString();
  touch(record, at);
  emit(call, 'status-update', statusUpdate(record, 'ended-with-error', at), at);
  call.stream.end();
}

/**
 * A commanded hang-up (`end-call`, `say` with `end_after`, `transfer`): the remaining script
 * stops now, the line drops once the last sentence is spoken.
 */
export function hangUp(context: SimContext, call: HmsCall, lastWords: string | undefined, summary: string): void {
  call.stop();
  const timers: (() => void)[] = [];
  const later: Later = (ms, fn) => timers.push(context.clock.after(ms, fn));
  call.stop = () => timers.splice(0).forEach((cancel) => cancel());
  later(lastWords ? LAST_WORDS_MS : 0, () => {
    if (lastWords) call.record.messages.push({ role: 'assistant', content: lastWords });
    const at = context.clock.now();
    const elapsedSim = (at.getTime() - (call.answeredAtMs ?? at.getTime())) * context.clock.speed;
    finishAnswered(context, call, at, Math.max(1, Math.round(elapsedSim / 1000)), later, summary);
  });
}
