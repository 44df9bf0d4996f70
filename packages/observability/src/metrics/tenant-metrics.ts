import { Counter, type Registry } from 'prom-client';
import { boundLabel } from './labels';

export interface TenantMetricsOptions {
  /** The registry the metrics are registered in. */
  register: Registry;
}

/** How an edit of a tenant ended: a cancelled edit is not counted as failed. */
export const TENANT_EDIT_OUTCOMES = ['completed', 'failed', 'cancelled'] as const;
export type TenantEditOutcome = (typeof TENANT_EDIT_OUTCOMES)[number];

/** The Adobe calls counted per tenant: accepted submits and status reads. */
export const TENANT_CALL_KINDS = ['submit', 'status'] as const;
export type TenantCallKind = (typeof TENANT_CALL_KINDS)[number];

/**
 * What each tenant uses: edits by outcome, Adobe calls, 429s, output bytes and Adobe time. The
 * tenant label must already be bounded: `tenantLabel()` of `@darkroom/jobs` gives the tenant's
 * name when the configuration names it and `other` otherwise.
 */
export class TenantMetrics {
  private readonly edits: Counter<'tenant' | 'outcome'>;
  private readonly calls: Counter<'tenant' | 'kind'>;
  private readonly limited: Counter<'tenant'>;
  private readonly bytes: Counter<'tenant'>;
  private readonly remote: Counter<'tenant'>;

  constructor({ register }: TenantMetricsOptions) {
    const registers = [register];
    this.edits = new Counter({
      name: 'darkroom_tenant_edits_total',
      help: 'Edits that ended, by tenant and outcome (completed, failed, cancelled).',
      labelNames: ['tenant', 'outcome'],
      registers,
    });
    this.calls = new Counter({
      name: 'darkroom_tenant_adobe_calls_total',
      help: "Adobe calls answered for a tenant's edits: accepted submits and status reads.",
      labelNames: ['tenant', 'kind'],
      registers,
    });
    this.limited = new Counter({
      name: 'darkroom_tenant_rate_limited_total',
      help: "Adobe 429 replies met by a tenant's edits, counted when the edit ends.",
      labelNames: ['tenant'],
      registers,
    });
    this.bytes = new Counter({
      name: 'darkroom_tenant_output_bytes_total',
      help: "Bytes of the outputs of a tenant's completed edits.",
      labelNames: ['tenant'],
      registers,
    });
    this.remote = new Counter({
      name: 'darkroom_tenant_remote_seconds_total',
      help: "Adobe processing time of a tenant's completed edits.",
      labelNames: ['tenant'],
      registers,
    });
  }

  edit(tenant: string, outcome: TenantEditOutcome): void {
    this.edits.inc({ tenant: boundLabel(tenant), outcome });
  }

  adobeCall(tenant: string, kind: TenantCallKind): void {
    this.calls.inc({ tenant: boundLabel(tenant), kind });
  }

  rateLimited(tenant: string, n = 1): void {
    if (n > 0) this.limited.inc({ tenant: boundLabel(tenant) }, n);
  }

  outputBytes(tenant: string, bytes: number): void {
    if (bytes > 0) this.bytes.inc({ tenant: boundLabel(tenant) }, bytes);
  }

  remoteSeconds(tenant: string, seconds: number): void {
    if (seconds > 0) this.remote.inc({ tenant: boundLabel(tenant) }, seconds);
  }
}
