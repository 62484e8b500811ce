import type { MagicBehavior, NativeMagicTable } from './common';
import { MAGIC_NUMBERS } from './common';
import type { SimulatedVendor } from './harness';
import { HMSOVEREIGN_MAGIC_OUTCOMES } from './hmsovereign/hmsovereign.magic-numbers';
import { KAICALLS_MAGIC_OUTCOMES } from './kaicalls/kaicalls.magic-numbers';
import { KALEM_MAGIC_OUTCOMES } from './kalem/kalem.magic-numbers';
import { KLEN_MAGIC_OUTCOMES } from './klen/klen.magic-numbers';

/** Each simulator's own rendering of the magic numbers (common/magic-numbers.ts). */
export const MAGIC_OUTCOMES: Record<SimulatedVendor, NativeMagicTable> = {
  kalem: KALEM_MAGIC_OUTCOMES,
  klen: KLEN_MAGIC_OUTCOMES,
  kaicalls: KAICALLS_MAGIC_OUTCOMES,
  hmsovereign: HMSOVEREIGN_MAGIC_OUTCOMES,
};

/** The status the gateway gives a call to each magic number (docs/sandbox.md). */
export const GATEWAY_STATUS: Record<MagicBehavior, string> = {
  no_answer: 'no_answer',
  busy: 'busy',
  failed: 'failed',
  answer_lost: 'completed',
  completed: 'completed',
};

const VENDOR_NAMES: Record<SimulatedVendor, string> = {
  kalem: 'Kalem',
  klen: 'Klen AI',
  kaicalls: 'KaiCalls',
  hmsovereign: 'HMS Sovereign',
};

/**
 * The magic-number tables of docs/sandbox.md, rendered from the tables the simulators play,
 * so a test can hold the document to them.
 */
export function magicNumberTables(): string {
  const rows = [
    ...MAGIC_NUMBERS,
    {
      number: '+1 555 019 1NNN',
      behavior: 'completed' as const,
      talk_seconds: null,
      description:
        'answered after the usual ring, completed after NNN seconds of talk (001–999), e.g. `+1 555 019 1030` talks 30 s',
    },
  ];
  const lines = ['| number | what happens | gateway `status` |', '|---|---|---|'];
  // KaiCalls cannot be searched by number, so the lost answer ends differently there.
  const status = (m: { behavior: MagicBehavior }) =>
    `\`${GATEWAY_STATUS[m.behavior]}\`${m.behavior === 'answer_lost' ? ' (KaiCalls: `failed`, see below)' : ''}`;
  for (const m of rows) lines.push(`| \`${m.number}\` | ${m.description} | ${status(m)} |`);
  lines.push(
    '',
    'How each simulated vendor reports it, in its own words (final status, why, and the webhooks that end the call):',
    '',
  );
  lines.push('| vendor | outcome played | vendor status | vendor says why | webhooks |', '|---|---|---|---|---|');
  for (const vendor of Object.keys(MAGIC_OUTCOMES) as SimulatedVendor[])
    for (const [outcome, native] of Object.entries(MAGIC_OUTCOMES[vendor]))
      lines.push(
        `| ${VENDOR_NAMES[vendor]} | ${outcome} | \`${native.status}\` | ${native.reason ? `\`${native.reason}\`` : '—'} | ${native.webhooks} |`,
      );
  return lines.join('\n');
}
