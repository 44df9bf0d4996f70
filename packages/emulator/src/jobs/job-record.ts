import { type OperationSpec } from '@darkroom/photoshop';
import { type JobStorageFaults } from '../faults/fault-injector';
import { type OutputTarget } from '../operations/job-files';
import { type JobResult } from '../operations/work-context';
import { type JobFailure } from './job-failure';

export type JobPhase = 'pending' | 'running' | 'succeeded' | 'failed';

/** Faults that struck the reply to the submit that created a job (the job itself runs). */
export type AcceptedReplyFaultKind = 'dropAfterAccept' | 'errorAfterAccept' | 'slowAccept';

/** One accepted job. Holds presigned URLs in memory only; nothing here is persisted. */
export interface JobRecord {
  id: string;
  op: OperationSpec;
  clientId: string;
  /** The `x-gw-ims-org-id` the submit carried: the job's final status is published to it. */
  imsOrgId?: string;
  body: Record<string, unknown>;
  outputs: OutputTarget[];
  mainInput: string | undefined;
  createdAt: number;
  /** When the job turns `running` and its work starts. */
  startAt: number;
  /** Earliest time it may report a final status (the simulated duration). */
  finishAt: number;
  /** When its work ended (success or failure). */
  settledAt?: number;
  result?: JobResult;
  failure?: JobFailure;
  /** v2 embedded outputs: output index → content for the status document. */
  embedded: Map<number, unknown>;
  /** v2 hosted outputs: output index → URL the emulator serves the file at. */
  hosted: Map<number, string>;
  /** Origin the client submitted to; hosted-file URLs are built on it. */
  origin: string;
  /** Decided at submit from the seeded fault stream, so runs are reproducible. */
  injectedFailure: boolean;
  /** Index of the output whose upload the fault injector fails, if any. */
  failUploadIndex?: number;
  /** Presigned-URL expiry and upload Content-Type, decided at submit from the fault set. */
  storageFaults: JobStorageFaults;
  /** What the client's reply suffered, though the job was created. */
  replyFaults: AcceptedReplyFaultKind[];
  statusGets: number;
}

/** The phase a client sees at `now`: time first, then the outcome once the work has ended. */
export function phaseOf(job: JobRecord, now: number): JobPhase {
  if (now < job.startAt) return 'pending';
  if (job.settledAt === undefined || now < job.finishAt) return 'running';
  return job.failure ? 'failed' : 'succeeded';
}

/** When the status last changed, as seen at `now`. */
export function modifiedAt(job: JobRecord, now: number): number {
  const phase = phaseOf(job, now);
  if (phase === 'pending') return job.createdAt;
  if (phase === 'running') return job.startAt;
  return Math.max(job.finishAt, job.settledAt ?? job.finishAt);
}
