import type { SimClock } from './sim-clock';
import type { WebhookMode } from './scenario';

export interface OutgoingWebhook {
  url: string;
  method?: string;
  headers: Record<string, string>;
  /** Raw body, sent byte for byte so a signature over it stays valid. */
  body?: string;
  /** A label for the log, e.g. the vendor's event name. */
  event: string;
}

export interface DeliveryRecord {
  url: string;
  event: string;
  attempt: number;
  status: number | null;
  error: string | null;
  at: string;
}

export interface WebhookPolicy {
  /** Extra attempts after a failed one. Most vendors document none, so the default is 0. */
  retries: number;
  retryDelayMs: number;
  /** Per-retry delays (e.g. exponential 1 s, 4 s, 16 s); when set, used instead of retryDelayMs. */
  retryDelaysMs?: number[];
  timeoutMs: number;
  /** Simulated delay added before each delivery in `late` mode. */
  lateMs: number;
}

export const DEFAULT_WEBHOOK_POLICY: WebhookPolicy = {
  retries: 0,
  retryDelayMs: 1_000,
  timeoutMs: 10_000,
  lateMs: 60_000,
};

/**
 * Sends a vendor's webhooks. Each call gets a stream that applies the scenario's mode:
 * normal (in order), duplicate (each twice), shuffle (held to the end, then out of order),
 * drop (none sent), late (held to the end, then sent after the call is over).
 */
export class WebhookSender {
  readonly log: DeliveryRecord[] = [];
  policy: WebhookPolicy;
  private inflight = new Set<Promise<void>>();

  /** `vendorPolicy` is what the vendor documents; reset returns to it. */
  constructor(
    private readonly clock: SimClock,
    private readonly random: () => number = Math.random,
    private readonly vendorPolicy: WebhookPolicy = DEFAULT_WEBHOOK_POLICY,
  ) {
    this.policy = { ...vendorPolicy };
  }

  stream(mode: WebhookMode): WebhookStream {
    return new WebhookStream(this, mode, this.clock, this.random);
  }

  /** Sends one webhook with the retry policy; never throws. */
  deliver(hook: OutgoingWebhook): Promise<void> {
    const run = this.attempt(hook, 1);
    this.inflight.add(run);
    void run.finally(() => this.inflight.delete(run));
    return run;
  }

  /** Resolves when every delivery started so far has finished. */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
  }

  reset(): void {
    this.log.length = 0;
    this.policy = { ...this.vendorPolicy };
  }

  private async attempt(hook: OutgoingWebhook, attempt: number): Promise<void> {
    let status: number | null = null;
    let error: string | null = null;
    try {
      const method = hook.method ?? 'POST';
      const response = await fetch(hook.url, {
        method,
        headers: hook.headers,
        body: method === 'GET' ? undefined : hook.body,
        signal: AbortSignal.timeout(this.policy.timeoutMs),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    this.log.push({
      url: redactUrl(hook.url),
      event: hook.event,
      attempt,
      status,
      error,
      at: this.clock.now().toISOString(),
    });
    const ok = status !== null && status >= 200 && status < 300;
    if (!ok && attempt <= this.policy.retries) {
      // A reset or close during the wait ends the retries: they belong to a finished test.
      const delay = this.policy.retryDelaysMs?.[attempt - 1] ?? this.policy.retryDelayMs;
      if (await this.clock.sleepReal(delay)) await this.attempt(hook, attempt + 1);
    }
  }
}

export class WebhookStream {
  private readonly held: OutgoingWebhook[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly sender: WebhookSender,
    private readonly mode: WebhookMode,
    private readonly clock: SimClock,
    private readonly random: () => number,
  ) {}

  send(hook: OutgoingWebhook): void {
    switch (this.mode) {
      case 'drop':
        return;
      case 'shuffle':
      case 'late':
        this.held.push(hook);
        return;
      case 'duplicate':
        this.enqueue(hook);
        this.enqueue(hook);
        return;
      default:
        this.enqueue(hook);
    }
  }

  /** The call is over: release what shuffle and late held back. */
  end(): void {
    if (this.mode === 'shuffle') shuffleOutOfOrder(this.held, this.random).forEach((h) => this.enqueue(h));
    if (this.mode === 'late') {
      const hooks = this.held.splice(0);
      this.clock.after(this.sender.policy.lateMs, () => hooks.forEach((h) => this.enqueue(h)));
    }
  }

  /** Deliveries of one call go one after another, so `normal` really arrives in order. */
  private enqueue(hook: OutgoingWebhook): void {
    this.chain = this.chain.then(() => this.sender.deliver(hook));
  }
}

/** A permutation that differs from the input whenever that is possible. */
export function shuffleOutOfOrder<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  if (out.length > 1 && out.every((item, i) => item === items[i])) out.reverse();
  return out;
}

/** Webhook URLs may embed a secret token (KaiCalls): keep it out of the log. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname.replace(/[A-Za-z0-9_-]{24,}/g, '***')}`;
  } catch {
    return 'invalid-url';
  }
}
