import type { Job } from 'bullmq';
import type { EditJobData, EditJobResult } from '../../src/job-data';
import type { CallLog } from './call-log';

export interface FakeJobOptions {
  id?: string;
  data: EditJobData;
  /** Attempts BullMQ counts as already failed (0 on the first run). */
  attemptsMade?: number;
  /** `opts.attempts` the job was added with; left out, BullMQ's default of one attempt applies. */
  attempts?: number;
  /** The lock token BullMQ hands the processor with the job. */
  token?: string;
}

/**
 * The part of a BullMQ job the step machine touches: its data, the attempt counters, and the two
 * writes it makes (`updateData`, `moveToDelayed`). Every write is recorded; `updateData` also
 * replaces `data`, as BullMQ's does once Redis has it. Job log lines and progress are kept apart
 * (`logLines`, `progress`), out of the call log, so tests of the order of writes ignore them.
 */
export class FakeJob {
  readonly id: string;
  data: EditJobData;
  readonly attemptsMade: number;
  readonly opts: { attempts?: number };
  readonly token: string | undefined;
  /** Snapshots of every `updateData`, so a later change to `data` cannot rewrite what was saved. */
  readonly updates: EditJobData[] = [];
  readonly delays: { timestamp: number; token: string | undefined }[] = [];
  readonly logLines: string[] = [];
  readonly progress: unknown[] = [];

  constructor(
    private readonly calls: CallLog,
    options: FakeJobOptions,
  ) {
    this.id = options.id ?? 'job-1';
    this.data = structuredClone(options.data);
    this.attemptsMade = options.attemptsMade ?? 0;
    this.opts = options.attempts === undefined ? {} : { attempts: options.attempts };
    this.token = options.token;
  }

  updateData(data: EditJobData): Promise<void> {
    this.calls.record('job', 'updateData', [data]);
    this.updates.push(structuredClone(data));
    this.data = data;
    return Promise.resolve();
  }

  moveToDelayed(timestamp: number, token?: string): Promise<void> {
    this.calls.record('job', 'moveToDelayed', [timestamp, token]);
    this.delays.push({ timestamp, token });
    return Promise.resolve();
  }

  log(line: string): Promise<number> {
    this.logLines.push(line);
    return Promise.resolve(this.logLines.length);
  }

  clearLogs(keep?: number): Promise<void> {
    this.logLines.splice(
      0,
      keep === undefined ? this.logLines.length : this.logLines.length - keep,
    );
    return Promise.resolve();
  }

  updateProgress(progress: unknown): Promise<void> {
    this.progress.push(progress);
    return Promise.resolve();
  }

  /** This fake as the processor's parameter type; it implements only what the machine uses. */
  asJob(): Job<EditJobData, EditJobResult> {
    return this as unknown as Job<EditJobData, EditJobResult>;
  }
}
