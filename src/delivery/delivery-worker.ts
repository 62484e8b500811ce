import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntitySubscriberInterface, TransactionCommitEvent } from 'typeorm';
import { CredentialCipher } from '../common/crypto/credential-cipher';
import { OutageLogger } from '../common/outage/outage-logger';
import { isDatabaseUnreachable } from '../database/database-unreachable';
import { ConfigVariables } from '../config/config.variables';
import { toEventResponse } from '../events/event-log.repository';
import { WebhookEndpointsRepository } from '../webhook-endpoints/webhook-endpoints.repository';
import { DefaultSigningSecret } from './default-signing-secret';
import { ClaimedDelivery, DeliveriesRepository, DELIVERIES_ENQUEUED } from './deliveries.repository';
import { DeliveryAttempt } from './delivery.entity';
import { nextAttemptAt, parseRetryAfter, parseRetrySchedule } from './retry-schedule';
import { signatureHeaders } from './signature-headers';
import { SendResult, WebhookSender } from './webhook-sender';
import { parseConsumerUrl } from './webhook-url-guard';
import { WebhookUrlGuard } from './webhook-url-guard.service';

/** Beyond the attempt timeout, how long a claim stays leased before another worker may take it. */
const LEASE_MARGIN_MS = 5_000;
/** At shutdown, attempts still running after this are abandoned (their rows are released, due at once). */
const SHUTDOWN_GRACE_MS = 2_000;

/**
 * Sends due deliveries, on every instance: claims with SKIP LOCKED (so instances never take
 * the same row), at most DELIVERY_CONCURRENCY at a time, woken by a commit that enqueued
 * deliveries on this instance, by a freed slot while there is a backlog, or by the poll
 * (DELIVERY_INTERVAL_MS) for work enqueued elsewhere and retries falling due. Deliveries
 * are claimed oldest-due first and sent concurrently, so they usually arrive in sequence
 * order, but no order is promised: consumers order by `sequence` and dedupe by `webhook-id`.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryWorker.name);
  private readonly schedule: number[];
  private readonly inFlight = new Map<string, { done: Promise<void>; abort: AbortController }>();
  private timer: NodeJS.Timeout | undefined;
  private claiming: Promise<void> | null = null;
  private wakeAgain = false;
  private backlog = false;
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigVariables,
    private readonly deliveries: DeliveriesRepository,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly cipher: CredentialCipher,
    private readonly sender: WebhookSender,
    private readonly guard: WebhookUrlGuard,
    private readonly defaultSecret: DefaultSigningSecret,
    private readonly outages: OutageLogger,
  ) {
    this.schedule = parseRetrySchedule(config.DELIVERY_RETRY_SCHEDULE_SECONDS)!;
  }

  onApplicationBootstrap(): void {
    this.dataSource.subscribers.push(this.commitSubscriber());
    this.deliveries.onEnqueuedOutsideTransaction(() => this.wake());
    this.timer = setInterval(() => this.wake(), this.config.DELIVERY_INTERVAL_MS);
    this.timer.unref();
    this.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.claiming;
    const running = [...this.inFlight.values()];
    const grace = new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
    await Promise.race([Promise.all(running.map((r) => r.done)), grace]);
    for (const r of this.inFlight.values()) r.abort.abort();
    await Promise.all([...this.inFlight.values()].map((r) => r.done));
  }

  /** Looks for due work now; calls while a claim runs fold into one more claim after it. */
  wake(): void {
    if (this.stopping) return;
    if (this.claiming) {
      this.wakeAgain = true;
      return;
    }
    this.claiming = this.fill()
      .catch((e: unknown) => {
        // The poll keeps trying every DELIVERY_INTERVAL_MS: an outage is one line, not four a second.
        if (isDatabaseUnreachable(e)) this.outages.failed('database', e);
        else this.logger.warn({ err: (e as Error).message }, 'Could not claim deliveries; retrying on the next tick');
      })
      .finally(() => {
        this.claiming = null;
        if (this.wakeAgain) {
          this.wakeAgain = false;
          this.wake();
        }
      });
  }

  private async fill(): Promise<void> {
    for (;;) {
      this.wakeAgain = false;
      const free = this.config.DELIVERY_CONCURRENCY - this.inFlight.size;
      if (free <= 0 || this.stopping) return;
      const now = new Date();
      const claimed = await this.deliveries.claimDue(
        now,
        new Date(now.getTime() + this.config.DELIVERY_TIMEOUT_MS + LEASE_MARGIN_MS),
        free,
      );
      this.outages.succeeded('database');
      this.backlog = claimed.length === free;
      for (const delivery of claimed) this.start(delivery);
      if (!this.backlog && !this.wakeAgain) return;
    }
  }

  private start(delivery: ClaimedDelivery): void {
    const abort = new AbortController();
    const done = this.attempt(delivery, abort.signal)
      .catch((e: unknown) => {
        if (isDatabaseUnreachable(e)) this.outages.failed('database', e);
        else
          this.logger.warn(
            { delivery_id: delivery.id, err: (e as Error).message },
            'Delivery attempt could not be recorded; it is retried after its lease',
          );
      })
      .finally(() => {
        this.inFlight.delete(delivery.id);
        // Refill in batches once half the slots are free: one claim per freed slot made the
        // claim round trip the limit (bench/README.md).
        if (this.backlog && this.inFlight.size <= this.config.DELIVERY_CONCURRENCY / 2) this.wake();
      });
    this.inFlight.set(delivery.id, { done, abort });
  }

  private async attempt(delivery: ClaimedDelivery, signal: AbortSignal): Promise<void> {
    const startedAt = new Date();
    if (delivery.endpointId && delivery.endpointEnabled !== true) {
      return this.record(
        delivery,
        startedAt,
        { statusCode: null, latencyMs: 0, snippet: null, retryAfter: undefined, error: 'the endpoint is disabled' },
        true,
      );
    }
    const result = await this.send(delivery, startedAt, signal);
    if (signal.aborted) {
      // Stopped by shutdown, not by the consumer: the attempt does not count, and any instance may take it now.
      await this.deliveries.release(delivery.id);
      return;
    }
    await this.record(delivery, startedAt, result, false);
  }

  private async send(delivery: ClaimedDelivery, now: Date, signal: AbortSignal): Promise<SendResult> {
    const refused = (error: string): SendResult => ({
      statusCode: null,
      latencyMs: 0,
      snippet: null,
      retryAfter: undefined,
      error,
    });
    const url = parseConsumerUrl(delivery.url);
    if (typeof url === 'string') return refused(`the URL ${url}`);
    const target = await this.guard.target(url);
    if (!target.ok) return refused(`not sent: the host ${target.reason}`);
    const body = JSON.stringify(toEventResponse(delivery.event));
    const headers = signatureHeaders({
      id: delivery.event.id,
      timestamp: now,
      payload: body,
      secrets: this.secretsOf(delivery, now),
    });
    return this.sender.send({
      url,
      address: target.address,
      family: target.family,
      headers,
      body,
      timeoutMs: this.config.DELIVERY_TIMEOUT_MS,
      signal,
    });
  }

  /** The endpoint's secret, plus the previous one while its rotation overlap lasts; the gateway's default for a call's own URL. */
  private secretsOf(delivery: ClaimedDelivery, now: Date): string[] {
    if (!delivery.endpointId) return [this.defaultSecret.value];
    const secrets = [this.cipher.decrypt(delivery.secretEncrypted!)];
    if (
      delivery.previousSecretEncrypted &&
      delivery.previousSecretExpiresAt &&
      new Date(delivery.previousSecretExpiresAt) > now
    )
      secrets.push(this.cipher.decrypt(delivery.previousSecretEncrypted));
    return secrets;
  }

  private async record(delivery: ClaimedDelivery, startedAt: Date, result: SendResult, final: boolean): Promise<void> {
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const finishedAt = new Date();
    const attempt: DeliveryAttempt = {
      at: startedAt.toISOString(),
      status_code: result.statusCode,
      latency_ms: result.latencyMs,
      response_snippet: result.snippet,
      error: ok ? null : (result.error ?? `the consumer answered ${result.statusCode}`),
    };
    const next =
      ok || final
        ? null
        : nextAttemptAt(
            this.schedule,
            delivery.attemptCount + 1,
            finishedAt,
            parseRetryAfter(result.retryAfter, finishedAt),
          );
    const status = ok ? 'succeeded' : next ? 'pending' : 'failed';
    const endpointId = delivery.endpointId;
    // A success ends the endpoint's failing run in the attempt's own statement.
    const heal =
      ok && endpointId && !final ? (params: unknown[]) => this.endpoints.noteSuccessCte(endpointId, params) : undefined;
    await this.deliveries.recordAttempt(
      delivery.id,
      { attempt, status, nextAttemptAt: next, completedAt: status === 'pending' ? null : finishedAt },
      heal,
    );
    if (!endpointId || final || ok) return;
    if (await this.endpoints.noteFailure(endpointId, finishedAt, this.config.WEBHOOK_DISABLE_AFTER_SECONDS * 1000))
      this.logger.warn(
        { endpoint_id: delivery.endpointId },
        'Webhook endpoint disabled: every delivery attempt failed for too long',
      );
  }

  /** Wakes this instance's worker when a transaction that enqueued deliveries commits. */
  private commitSubscriber(): EntitySubscriberInterface {
    return {
      afterTransactionCommit: (event: TransactionCommitEvent) => {
        const data = event.queryRunner.data as Record<string, unknown> | undefined;
        // A savepoint's release fires this too; only the outer commit makes the rows visible.
        if (!data?.[DELIVERIES_ENQUEUED] || event.queryRunner.isTransactionActive) return;
        delete data[DELIVERIES_ENQUEUED];
        this.wake();
      },
    };
  }
}
