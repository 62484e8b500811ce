import type { ReceivedWebhook, WebhookAnswer } from '@switchboard/simulators/testing';
import { WebhookReceiver } from '@switchboard/simulators/testing';
import { Webhook } from 'standardwebhooks';

export type ConsumerRequest = ReceivedWebhook;
export type ConsumerAnswer = WebhookAnswer;

/** Decides the answer to the nth request (0-based) on a path. */
export type Behaviour = (nth: number, request: ConsumerRequest) => ConsumerAnswer;

/**
 * A webhook consumer on loopback, as a customer would run one: the simulators' receiver,
 * answering per path (200 unless told otherwise), so tests can script outages.
 */
export class WebhookConsumer extends WebhookReceiver {
  private readonly behaviours = new Map<string, Behaviour>();

  /** Sets how `path` answers from now on. */
  answer(path: string, behaviour: Behaviour): void {
    this.behaviours.set(path, behaviour);
  }

  on(path: string): ConsumerRequest[] {
    return this.received.filter((r) => r.path === path);
  }

  protected override answerFor(request: ReceivedWebhook): WebhookAnswer {
    // The request is already recorded: it is the last one on its path.
    const answer = this.behaviours.get(request.path)?.(this.on(request.path).length - 1, request) ?? { status: 200 };
    return { ...answer, headers: { 'content-type': 'text/plain', ...answer.headers } };
  }
}

/** The event a delivery carries, verified with the Standard Webhooks library (throws when it does not verify). */
export function verifyDelivery(secret: string, request: ConsumerRequest): any {
  return new Webhook(secret).verify(request.raw, {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  });
}
