import { closeOnce } from '@darkroom/core';
import { type ResolvedEventOptions } from '../config/options';
import { type FaultInjector } from '../faults/fault-injector';
import { type JobRecord } from '../jobs/job-record';
import { type Evidence } from '../stats/evidence';
import { type EmulatorMetrics } from '../stats/metrics';
import { countEventFault } from './event-fault-count';
import { EventJournal } from './event-journal';
import { jobEvent } from './event-payload';
import { EventSigningKeys } from './signing-keys';
import { WebhookDeliveries } from './webhook-deliveries';

/**
 * Adobe I/O Events for the emulator: when a job submitted with `x-gw-ims-org-id` reaches its
 * final status, one `photoshop-job-status` event goes to the journal and to the webhooks.
 */
export class EventPublisher {
  readonly keys = new EventSigningKeys();
  readonly journal: EventJournal;
  readonly webhooks: WebhookDeliveries;

  constructor(
    options: ResolvedEventOptions,
    private readonly faults: FaultInjector,
    private readonly evidence: Evidence,
    private readonly metrics: EmulatorMetrics,
  ) {
    this.journal = new EventJournal(options.journalSize);
    this.webhooks = new WebhookDeliveries({
      options,
      keys: this.keys,
      faults,
      evidence,
      metrics,
    });
  }

  /** Publishes the event of a job whose status reads now answer succeeded or failed. */
  jobFinished(job: JobRecord): void {
    const orgId = job.imsOrgId;
    if (orgId === undefined) return;
    const event = jobEvent(job, orgId);
    this.evidence.events.published += 1;
    const faults = this.faults.forEvent();
    if (faults.journalDrop) countEventFault(this.evidence, this.metrics, 'journalDrop');
    else {
      this.journal.append(orgId, event);
      this.evidence.events.journaled += 1;
    }
    if (faults.drop) {
      countEventFault(this.evidence, this.metrics, 'drop');
      return;
    }
    this.webhooks.publish(event, faults);
  }

  readonly close = closeOnce(() => this.webhooks.close());
}
