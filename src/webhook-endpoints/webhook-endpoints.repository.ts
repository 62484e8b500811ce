import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ListQueryDto, paginate } from '../common/pagination';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

/** The only code that touches `webhook_endpoints`. */
@Injectable()
export class WebhookEndpointsRepository {
  constructor(@InjectRepository(WebhookEndpointEntity) private readonly rows: Repository<WebhookEndpointEntity>) {}

  build(fields: Partial<WebhookEndpointEntity>): WebhookEndpointEntity {
    return this.rows.create(fields);
  }

  find(id: string): Promise<WebhookEndpointEntity | null> {
    return this.rows.findOneBy({ id });
  }

  page(query: ListQueryDto) {
    return paginate(this.rows.createQueryBuilder('w'), query);
  }

  save(endpoint: WebhookEndpointEntity): Promise<WebhookEndpointEntity> {
    return this.rows.save(endpoint);
  }

  async delete(id: string): Promise<boolean> {
    return ((await this.rows.delete({ id })).affected ?? 0) > 0;
  }

  /**
   * A success ends the endpoint's failing run (written only when there was one), as a CTE
   * `healed` of a larger statement, its parameter pushed onto `params`: the attempt's own
   * (DeliveriesRepository.recordAttempt), where a healthy endpoint's no-op UPDATE was a second
   * round trip on every delivery.
   */
  noteSuccessCte(id: string, params: unknown[]): string {
    return `healed AS (UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $${params.push(id)} AND failing_since IS NOT NULL RETURNING 1)`;
  }

  /**
   * A failed attempt starts a failing run, or, once the run is older than `disableAfterMs`,
   * disables the endpoint and says why. Between the two nothing is written.
   * Returns true when this call disabled it.
   */
  async noteFailure(id: string, now: Date, disableAfterMs: number): Promise<boolean> {
    const threshold = new Date(now.getTime() - disableAfterMs);
    // An UPDATE answers [rows, affected] through TypeORM.
    const [rows]: [{ disabled: boolean }[], number] = await this.rows.query(
      `UPDATE webhook_endpoints
         SET failing_since = COALESCE(failing_since, $2),
             enabled = failing_since IS NULL OR failing_since > $3,
             disabled_reason = CASE WHEN failing_since <= $3
               THEN 'Every delivery attempt since ' || to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ' failed; disabled by the gateway. Enable it again with PATCH {"enabled": true}.'
               END,
             updated_at = CASE WHEN failing_since <= $3 THEN $2 ELSE updated_at END
       WHERE id = $1 AND enabled AND (failing_since IS NULL OR failing_since <= $3)
       RETURNING NOT enabled AS disabled`,
      [id, now, threshold],
    );
    return rows[0]?.disabled === true;
  }
}
