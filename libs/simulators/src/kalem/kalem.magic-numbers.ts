import type { NativeMagicTable } from '../common';
import { HANGUP_CAUSES } from './kalem.views';
import { webhookStatus } from './kalem.webhooks';

/** Kalem has a status per outcome, a SIP/Q.850 `hangup_cause`, and a call-status webhook per step. */
export const KALEM_MAGIC_OUTCOMES: NativeMagicTable = {
  completed: {
    status: 'completed',
    reason: `hangup_cause=${HANGUP_CAUSES.completed}`,
    webhooks: `call-status \`${webhookStatus('completed')}\`, then post-call`,
  },
  no_answer: {
    status: 'no_answer',
    reason: `hangup_cause=${HANGUP_CAUSES.no_answer}`,
    webhooks: `call-status \`${webhookStatus('no_answer')}\`, then post-call`,
  },
  busy: {
    status: 'busy',
    reason: `hangup_cause=${HANGUP_CAUSES.busy}`,
    webhooks: `call-status \`${webhookStatus('busy')}\`, then post-call`,
  },
  failed: {
    status: 'failed',
    reason: `hangup_cause=${HANGUP_CAUSES.failed}`,
    webhooks: `call-status \`${webhookStatus('failed')}\`, then post-call`,
  },
};
