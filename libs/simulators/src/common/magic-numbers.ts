/**
 * Test numbers, like a payment sandbox's test cards: dialing one of these makes every
 * simulator play the same call with no control request first. They sit in +1 555 019 xxxx,
 * a fictional-use range that libphonenumber counts as a possible number (the gateway checks
 * `to` for that), and no other test dials it. Each vendor reports the outcome in its own
 * statuses, end reasons and webhooks (the `<vendor>.magic-numbers.ts` files say how).
 * A per-number scenario set through `/__sim/scenario` still wins over this table.
 */
export type MagicBehavior = 'no_answer' | 'busy' | 'failed' | 'answer_lost' | 'completed';

export interface MagicNumber {
  /** E.164. */
  number: string;
  behavior: MagicBehavior;
  /** Simulated seconds of conversation (completed and answer_lost). */
  talk_seconds: number | null;
  /** What the caller sees, for the documentation table. */
  description: string;
}

const PREFIX = '1555019';
/** How long the answer to an `answer_lost` create is withheld: longer than any sane client timeout. */
export const ANSWER_LOST_HOLD_MS = 60_000;
/** How long an unanswered magic call rings before the vendor gives up (simulated ms). */
const RING_OUT_MS = 30_000;
/** How long an answered magic call rings first (simulated ms). */
const RING_MS = 6_000;

export const MAGIC_NUMBERS: readonly MagicNumber[] = [
  { number: '+15550190001', behavior: 'no_answer', talk_seconds: null, description: 'rings for 30 s, nobody answers' },
  { number: '+15550190002', behavior: 'busy', talk_seconds: null, description: 'the line is busy' },
  {
    number: '+15550190003',
    behavior: 'failed',
    talk_seconds: null,
    description: 'the vendor cannot connect the call (a carrier failure)',
  },
  {
    number: '+15550190004',
    behavior: 'answer_lost',
    talk_seconds: 30,
    description:
      'the vendor places the call but its answer to the create never arrives (the socket is held 60 s, then closed): the create is ambiguous; the call itself completes after 30 s of talk',
  },
];

/** `+1 555 019 1NNN` (NNN = 001…999): answered after the usual ring, completed after NNN seconds of talk. */
export const TALK_TIME_PATTERN = '+1555019 1NNN';

/** The magic number `to` is (any punctuation, with or without `+`), or null. */
export function magicNumber(to: string): MagicNumber | null {
  const digits = to.startsWith('sip:') ? '' : to.replace(/[^\d]/g, '');
  if (digits.length !== 11 || !digits.startsWith(PREFIX)) return null;
  const fixed = MAGIC_NUMBERS.find((m) => m.number === `+${digits}`);
  if (fixed) return fixed;
  const tail = digits.slice(PREFIX.length);
  const seconds = Number(tail.slice(1));
  if (tail[0] !== '1' || seconds < 1) return null;
  return {
    number: `+${digits}`,
    behavior: 'completed',
    talk_seconds: seconds,
    description: `answered, then completed after ${seconds} s of talk`,
  };
}

/**
 * What a magic number changes in the default scenario (scenario.ts merges it), whatever the
 * simulator's own default scenario is set to.
 */
export function magicScenario(magic: MagicNumber): {
  outcome: 'completed' | 'no_answer' | 'busy' | 'failed';
  ring_ms: number;
  talk_ms?: number;
} {
  switch (magic.behavior) {
    case 'no_answer':
      return { outcome: 'no_answer', ring_ms: RING_OUT_MS };
    case 'busy':
      return { outcome: 'busy', ring_ms: 1_000 };
    case 'failed':
      return { outcome: 'failed', ring_ms: 1_000 };
    case 'answer_lost':
    case 'completed':
      return { outcome: 'completed', ring_ms: RING_MS, talk_ms: (magic.talk_seconds ?? 30) * 1000 };
  }
}

/** True when the answer to a create dialing any of `numbers` must be lost on the way back. */
export function losesCreateAnswer(numbers: readonly string[]): boolean {
  return numbers.some((n) => magicNumber(n)?.behavior === 'answer_lost');
}

/** How one vendor reports a magic number's call, in its own words. */
export interface NativeMagicOutcome {
  /** The final status its call record shows. */
  status: string;
  /** Where it says why, as `field=value`; null when it says nothing more. */
  reason: string | null;
  /** The webhooks that end the call. */
  webhooks: string;
}

/** Per vendor, by the outcome the magic number plays (`answer_lost` plays `completed`). */
export type NativeMagicTable = Record<ReturnType<typeof magicScenario>['outcome'], NativeMagicOutcome>;

/** The outcome a behavior plays at the vendor. */
export function playedOutcome(behavior: MagicBehavior): keyof NativeMagicTable {
  return behavior === 'answer_lost' ? 'completed' : behavior;
}
