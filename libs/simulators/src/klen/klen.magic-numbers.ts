import type { NativeMagicTable } from '../common';
import { failureReasonFor } from './klen.lifecycle';

/** Klen has no busy or no-answer status: such a call is `failed`, and `failure_reason` says why. */
export const KLEN_MAGIC_OUTCOMES: NativeMagicTable = {
  completed: {
    status: 'completed',
    reason: null,
    webhooks: '`call.ended`, then transcript, summary and recording events',
  },
  no_answer: { status: 'failed', reason: `failure_reason=${failureReasonFor('no_answer')}`, webhooks: '`call.failed`' },
  busy: { status: 'failed', reason: `failure_reason=${failureReasonFor('busy')}`, webhooks: '`call.failed`' },
  failed: { status: 'failed', reason: `failure_reason=${failureReasonFor('failed')}`, webhooks: '`call.failed`' },
};
