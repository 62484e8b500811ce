import type { NativeMagicTable } from '../common';
import { FAILURE_TEXT } from './hmsovereign.lifecycle';

/** HMS Sovereign ends an unanswered call as `failed` with free-text SIP `error`, and sends no report. */
export const HMSOVEREIGN_MAGIC_OUTCOMES: NativeMagicTable = {
  completed: { status: 'ended', reason: null, webhooks: '`status-update` `ended`, then `end-of-call-report`' },
  no_answer: {
    status: 'failed',
    reason: `error="${FAILURE_TEXT.no_answer}"`,
    webhooks: '`status-update` `ended-with-error`',
  },
  busy: { status: 'failed', reason: `error="${FAILURE_TEXT.busy}"`, webhooks: '`status-update` `ended-with-error`' },
  failed: {
    status: 'failed',
    reason: `error="${FAILURE_TEXT.failed}"`,
    webhooks: '`status-update` `ended-with-error`',
  },
};
