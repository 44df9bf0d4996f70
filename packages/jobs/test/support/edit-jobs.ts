import type { NormalizedStatus, RemoteJobError } from '@darkroom/photoshop';
import type { EditRequest } from '../../src/edit-job';
import type { EditJobData } from '../../src/job-data';

/** The instant every test starts at (the fake clock is frozen there). */
export const T0 = Date.UTC(2031, 4, 12, 9, 30, 0);

export const ACCOUNT = 'acme';
export const INPUT_REF = 's3://darkroom-in/posters/summer.psd';
export const JPEG_REF = 's3://darkroom-out/posters/summer-1024.jpg';
export const PNG_REF = 's3://darkroom-out/posters/summer.png';
export const MANIFEST_REF = 's3://darkroom-out/posters/summer.manifest.json';
export const REMOTE_JOB_ID = '5f2c9a1e-0d4b-4c6e-9a7b-2e1f0c3d4b5a';
export const STATUS_URL = `https://image.adobe.io/pie/psdService/status/${REMOTE_JOB_ID}`;

export const jpegOutput = { ref: JPEG_REF, type: 'image/jpeg', width: 1024, quality: 7 };
export const pngOutput = { ref: PNG_REF, type: 'image/png', compression: 'medium' };

export function renditionRequest(outputs: EditRequest['outputs'] = [jpegOutput]): EditRequest {
  return { operation: 'renditionCreate', input: INPUT_REF, outputs };
}

/** A document manifest: Adobe answers in the status reply and Darkroom writes it to the output. */
export function manifestRequest(): EditRequest {
  return {
    operation: 'documentManifest',
    input: INPUT_REF,
    outputs: [{ ref: MANIFEST_REF, type: 'application/json' }],
  };
}

/** A job as `EditQueue` stores it: never taken yet, one hour to its deadline. */
export function submitStepData(overrides: Partial<EditJobData> = {}): EditJobData {
  return {
    v: 1,
    request: renditionRequest(),
    account: ACCOUNT,
    deadlineAt: T0 + 3_600_000,
    enqueuedAt: T0 - 2_000,
    fingerprint: 'c0ffee'.repeat(10) + 'c0fe',
    nonce: 'nonce-1',
    step: 'submit',
    ...overrides,
  };
}

/** A job past its checkpoint: submitted 40 s ago, waiting for its next poll. */
export function pollStepData(overrides: Partial<EditJobData> = {}): EditJobData {
  return submitStepData({
    enqueuedAt: T0 - 60_000,
    step: 'poll',
    statusUrl: STATUS_URL,
    remoteJobId: REMOTE_JOB_ID,
    startedAt: T0 - 50_000,
    submittedAt: T0 - 40_000,
    submits: 1,
    polls: 0,
    ...overrides,
  });
}

/** Adobe's reply for a job still at work (`pending` or `running`). */
export function unfinishedStatus(
  state: 'pending' | 'running' = 'running',
  jobId: string | undefined = REMOTE_JOB_ID,
): NormalizedStatus {
  return {
    state,
    ...(jobId ? { jobId } : {}),
    outputs: [],
    raw: { jobId, outputs: [{ status: state }] },
  };
}

/**
 * Adobe's reply for a finished job. Like the real one, its outputs echo the presigned PUT URLs
 * they were written through.
 */
export function succeededStatus(
  opts: { created?: number; modified?: number; hrefs?: string[] } = {},
): NormalizedStatus {
  const outputs = (opts.hrefs ?? []).map((href) => ({ href, storage: 'external' }));
  return {
    state: 'succeeded',
    jobId: REMOTE_JOB_ID,
    outputs,
    ...(opts.created !== undefined ? { created: new Date(opts.created) } : {}),
    ...(opts.modified !== undefined ? { modified: new Date(opts.modified) } : {}),
    raw: {
      jobId: REMOTE_JOB_ID,
      outputs: [{ status: 'succeeded', _links: { renditions: outputs } }],
    },
  };
}

export function failedStatus(error: RemoteJobError): NormalizedStatus {
  return {
    state: 'failed',
    jobId: REMOTE_JOB_ID,
    outputs: [],
    error,
    raw: { jobId: REMOTE_JOB_ID, outputs: [{ status: 'failed', errors: error }] },
  };
}
