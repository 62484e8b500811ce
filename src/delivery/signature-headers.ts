import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export const SECRET_PREFIX = 'whsec_';

/** A new signing secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks form). */
export function newSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

export interface SignedMessage {
  /** The event id: consumers dedupe on `webhook-id` across retries and redeliveries. */
  id: string;
  timestamp: Date;
  payload: string;
  /**
   * Current secret first, then any still inside its rotation overlap. One `v1,` signature
   * per secret, space-separated: a consumer holding either secret verifies.
   */
  secrets: string[];
}

/** The Standard Webhooks headers of one delivery attempt. */
export function signatureHeaders(message: SignedMessage): Record<string, string> {
  const signatures = message.secrets.map((secret) =>
    new Webhook(secret).sign(message.id, message.timestamp, message.payload),
  );
  return {
    'webhook-id': message.id,
    'webhook-timestamp': String(Math.floor(message.timestamp.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
