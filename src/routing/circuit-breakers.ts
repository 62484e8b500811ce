import { Inject, Injectable, Logger } from '@nestjs/common';
import { HttpRequest, HttpResponse, HttpTransport, ProviderError } from '@switchboard/core';
import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitBreakerPolicy,
  CircuitState,
  handleWhenResult,
  IDisposable,
} from 'cockatiel';
import { BreakerRules, connectionBreaker } from './any-of-breaker';
import { BreakerVerdict, verdictOfError, verdictOfResponse } from './breaker-verdict';

export type CircuitStateName = 'closed' | 'open' | 'half_open';

export interface CircuitSettings extends BreakerRules {
  /** How long an open circuit refuses before one probe request may pass. */
  halfOpenAfterMs: number;
}

export const CIRCUIT_SETTINGS = Symbol('CIRCUIT_SETTINGS');

interface Circuit {
  provider: string;
  policy: CircuitBreakerPolicy;
  /** When it last opened (epoch ms), for the next probe time cockatiel keeps to itself. */
  openedAt: number | null;
  listeners: IDisposable[];
}

/** One exchange as the breaker sees it: what the vendor said, or why nothing came back. */
type Exchange = { verdict: BreakerVerdict } & ({ response: HttpResponse } | { error: unknown });

/**
 * One cockatiel circuit breaker per provider connection, wrapped around its HTTP transport.
 *
 * In memory, per instance: each instance judges the vendor from its own requests. That is
 * acceptable because a failing vendor fails for every instance alike, so each one opens
 * after its own few failures — the cost is a handful of extra failing requests per
 * instance, against a shared store on the hot path of every vendor request.
 *
 * While open, requests are refused without being sent (`ProviderError`, `local: true`,
 * vendor code `circuit_open`). Once `halfOpenAfterMs` has passed, exactly one request goes
 * through as the probe; the others are refused while it runs rather than queued behind it,
 * so a caller with somewhere else to go is not held up by a vendor that may still be down.
 */
@Injectable()
export class CircuitBreakers {
  private readonly logger = new Logger(CircuitBreakers.name);
  private readonly circuits = new Map<string, Circuit>();

  constructor(@Inject(CIRCUIT_SETTINGS) private readonly settings: CircuitSettings) {}

  /** The transport, behind this connection's breaker. */
  guard(connectionId: string, provider: string, transport: HttpTransport): HttpTransport {
    return { request: (request) => this.send(connectionId, provider, transport, request) };
  }

  state(connectionId: string): CircuitStateName {
    const circuit = this.circuits.get(connectionId);
    if (!circuit || circuit.policy.state === CircuitState.Closed) return 'closed';
    if (circuit.policy.state === CircuitState.Open && !this.probeDue(circuit)) return 'open';
    return 'half_open';
  }

  /**
   * True while a request would be refused unsent: open and not yet due for its probe, or a
   * probe already under way. A router skips such a connection; one that is due for its probe
   * is not skipped, so the probe is spent on a real request.
   */
  isOpen(connectionId: string): boolean {
    const circuit = this.circuits.get(connectionId);
    return !!circuit && this.refuses(circuit);
  }

  /** When an open circuit lets its probe through (in the past once due); null when closed or while the probe runs. */
  nextProbeAt(connectionId: string): Date | null {
    const circuit = this.circuits.get(connectionId);
    if (!circuit || circuit.policy.state !== CircuitState.Open || circuit.openedAt === null) return null;
    return new Date(circuit.openedAt + this.settings.halfOpenAfterMs);
  }

  /** Forgets what was learned: the connection changed (new key or URL) or is gone. */
  reset(connectionId: string): void {
    const circuit = this.circuits.get(connectionId);
    if (!circuit) return;
    circuit.listeners.forEach((l) => l.dispose());
    this.circuits.delete(connectionId);
    if (circuit.policy.state !== CircuitState.Closed)
      this.logger.log(
        { connection_id: connectionId, provider: circuit.provider, circuit: 'closed' },
        'Circuit reset: the connection changed',
      );
  }

  private async send(
    connectionId: string,
    provider: string,
    transport: HttpTransport,
    request: HttpRequest,
  ): Promise<HttpResponse> {
    const circuit = this.circuitFor(connectionId, provider);
    if (this.refuses(circuit)) throw this.refusal(connectionId, circuit);
    const probing = circuit.policy.state === CircuitState.Open;
    let exchange: Exchange;
    try {
      exchange = await circuit.policy.execute(async (): Promise<Exchange> => {
        try {
          const response = await transport.request(request);
          return { response, verdict: verdictOfResponse(response) };
        } catch (error) {
          const verdict = verdictOfError(error);
          // Thrown, a neutral error counts neither way; but cockatiel would take it as a passed
          // probe, so a probe that learned nothing re-opens the circuit for another wait instead.
          if (verdict === 'neutral' && !probing) throw error;
          return { error, verdict: verdict === 'neutral' ? 'failure' : verdict };
        }
      });
    } catch (e) {
      if (e instanceof BrokenCircuitError) throw this.refusal(connectionId, circuit);
      throw e;
    }
    if ('error' in exchange) throw exchange.error;
    return exchange.response;
  }

  private refuses(circuit: Circuit): boolean {
    const state = circuit.policy.state;
    return state === CircuitState.HalfOpen || (state === CircuitState.Open && !this.probeDue(circuit));
  }

  private probeDue(circuit: Circuit): boolean {
    return circuit.openedAt !== null && Date.now() >= circuit.openedAt + this.settings.halfOpenAfterMs;
  }

  private refusal(connectionId: string, circuit: Circuit): ProviderError {
    const next = this.nextProbeAt(connectionId);
    return new ProviderError({
      provider: circuit.provider,
      kind: 'retryable',
      local: true,
      vendorCode: 'circuit_open',
      message: next
        ? `${circuit.provider} connection ${connectionId}: circuit open after repeated failures; next probe at ${next.toISOString()}`
        : `${circuit.provider} connection ${connectionId}: circuit open after repeated failures; a probe request is under way`,
    });
  }

  private circuitFor(connectionId: string, provider: string): Circuit {
    const existing = this.circuits.get(connectionId);
    if (existing) return existing;
    const policy = circuitBreaker(
      handleWhenResult((exchange) => (exchange as Exchange).verdict === 'failure'),
      { halfOpenAfter: this.settings.halfOpenAfterMs, breaker: connectionBreaker(this.settings) },
    );
    const circuit: Circuit = { provider, policy, openedAt: null, listeners: [] };
    const log = { connection_id: connectionId, provider };
    circuit.listeners.push(
      policy.onBreak(() => {
        circuit.openedAt = Date.now();
        this.logger.warn(
          { ...log, circuit: 'open', next_probe_at: this.nextProbeAt(connectionId)?.toISOString() },
          'Circuit opened: requests to this connection are refused until the probe',
        );
      }),
      policy.onHalfOpen(() =>
        this.logger.log({ ...log, circuit: 'half_open' }, 'Circuit half-open: one probe request goes to the vendor'),
      ),
      policy.onReset(() => {
        circuit.openedAt = null;
        this.logger.log({ ...log, circuit: 'closed' }, 'Circuit closed: the probe succeeded');
      }),
    );
    this.circuits.set(connectionId, circuit);
    return circuit;
  }
}
