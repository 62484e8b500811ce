import { GatewayError } from '@switchboard/core';

/** A simulator's answer to a control request, as the gateway passes it on. */
export interface ControlAnswer {
  status: number;
  body: unknown;
}

/**
 * The simulator path a `/sandbox/:provider/<rest>` request reaches: its control API only
 * (`/__sim/<rest>`), never the vendor API behind the sandbox connection's key.
 */
export function controlPath(rest: string, query: string): string {
  const clean = rest.replace(/^\/+/, '');
  return `/__sim/${clean}${query ? `?${query}` : ''}`;
}

/**
 * Success passes through as the simulator wrote it. A refusal becomes the contract's error
 * envelope: the simulators' own `{ error: 'invalid', problems }` is theirs, not the API's.
 */
export function controlRefusal(provider: string, path: string, answer: ControlAnswer): GatewayError | null {
  if (answer.status < 400) return null;
  if (answer.status === 404)
    return new GatewayError(
      'not_found',
      `The ${provider} simulator has no control route ${path.replace(/^\/__sim/, '')}.`,
    );
  const problems = (answer.body as { problems?: unknown })?.problems;
  const list = Array.isArray(problems) ? problems.map(String) : [];
  return new GatewayError(
    'invalid_request',
    list.length
      ? `The ${provider} simulator refused it: ${list.join('; ')}`
      : `The ${provider} simulator answered ${answer.status}.`,
    list.map((problem) => ({ problem })),
  );
}
