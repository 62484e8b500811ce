import type { NativeMagicTable } from '../common';
import { failureFor } from './kaicalls.lifecycle';

/** KaiCalls ends an unanswered call as `failed` with an `error` code, announced by `call.failed`. */
export const KAICALLS_MAGIC_OUTCOMES: NativeMagicTable = {
  completed: { status: 'completed', reason: null, webhooks: '`call.completed`' },
  no_answer: { status: 'failed', reason: `error=${failureFor('no_answer')}`, webhooks: '`call.failed`' },
  busy: { status: 'failed', reason: `error=${failureFor('busy')}`, webhooks: '`call.failed`' },
  failed: { status: 'failed', reason: `error=${failureFor('failed')}`, webhooks: '`call.failed`' },
};
