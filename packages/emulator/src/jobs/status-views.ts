import { statusPathFor } from '@darkroom/photoshop';
import { type JobFailure } from './job-failure';
import { type JobPhase, type JobRecord, modifiedAt, phaseOf } from './job-record';

/** v2 names the first phase `not_started` (Adobe's status-migration guide); v1 says `pending`. */
const V2_PHASE = {
  pending: 'not_started',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
};

const iso = (ms: number): string => new Date(ms).toISOString();

export function statusUrl(origin: string, job: JobRecord): string {
  return `${origin}${statusPathFor(job.op.statusFamily, job.id)}`;
}

function v1Error(failure: JobFailure) {
  return { type: failure.type, code: failure.code, title: failure.title, details: failure.details };
}

/** What every family's status document is built from, as seen at one instant. */
interface StatusView {
  job: JobRecord;
  phase: JobPhase;
  created: string;
  modified: string;
  self: { self: { href: string } };
  input: string | undefined;
}

/** Photoshop v1: one `outputs` entry carrying the renditions (and a manifest's document). */
function photoshopStatus(view: StatusView): Record<string, unknown> {
  const { job, phase, created, modified, self, input } = view;
  const entry: Record<string, unknown> = {
    ...(input !== undefined ? { input } : {}),
    status: phase,
    created,
    modified,
  };
  if (phase === 'succeeded') {
    if (job.result?.manifest) {
      entry.document = job.result.manifest.document;
      entry.layers = job.result.manifest.layers;
    }
    if (job.outputs.length > 0) {
      entry._links = {
        renditions: job.outputs.map((o) => ({
          href: o.href,
          storage: o.storage ?? 'external',
          type: o.type,
          ...(o.width !== undefined ? { width: o.width } : {}),
        })),
      };
    }
  }
  if (phase === 'failed' && job.failure) entry.errors = v1Error(job.failure);
  return { jobId: job.id, outputs: [entry], _links: self };
}

/** Sensei (cutout, mask): a flat document with one `output` once the job has ended. */
function senseiStatus(view: StatusView): Record<string, unknown> {
  const { job, phase, created, modified, self, input } = view;
  // Adobe's examples spell `jobID`, its schema `jobId`: both are sent.
  const doc: Record<string, unknown> = {
    jobID: job.id,
    jobId: job.id,
    status: phase,
    created,
    modified,
  };
  if (input !== undefined) doc.input = input;
  const output = job.outputs[0];
  if (output && (phase === 'succeeded' || phase === 'failed')) {
    const raw = output.raw;
    doc.output = {
      href: output.href,
      storage: output.storage ?? 'external',
      ...(raw.mask !== undefined ? { mask: raw.mask } : { mask: { format: 'soft' } }),
      ...(raw.color !== undefined ? { color: raw.color } : {}),
    };
  }
  if (job.body.options !== undefined) doc.options = job.body.options;
  if (phase === 'failed' && job.failure) {
    const f = job.failure;
    doc.errors = [{ type: f.type, code: f.code, title: f.title, details: f.details[0] ?? {} }];
  }
  doc._links = self;
  return doc;
}

/** Lightroom: one `outputs` entry per output, each with its own status. */
function lightroomStatus(view: StatusView): Record<string, unknown> {
  const { job, phase, created, modified, self, input } = view;
  const outputs = job.outputs.map((o) => {
    const entry: Record<string, unknown> = {
      ...(input !== undefined ? { input } : {}),
      status: phase,
    };
    if (phase === 'succeeded')
      entry._links = { self: { href: o.href, storage: o.storage ?? 'external' } };
    if (phase === 'failed' && job.failure) {
      entry.details = job.failure.details.map((d) => `${d.name}: ${d.reason}`).join('; ');
      entry.errors = v1Error(job.failure);
    }
    return entry;
  });
  return { jobId: job.id, created, modified, outputs, _links: self };
}

/** v2: `result.outputs` (embedded, hosted or the caller's URL) or `errorDetails`. */
function v2Status(view: StatusView): Record<string, unknown> {
  const { job, phase, created, modified } = view;
  const doc: Record<string, unknown> = {
    jobId: job.id,
    status: V2_PHASE[phase],
    createdTime: created,
    modifiedTime: modified,
  };
  if (phase === 'succeeded') {
    const outputs: unknown[] = job.outputs.map((o, i) => {
      if (o.embedded !== undefined) {
        return {
          destination: { embedded: o.embedded, content: job.embedded.get(i) },
          mediaType: o.type,
        };
      }
      const url = o.href ?? job.hosted.get(i);
      const destination =
        o.validityPeriod !== undefined ? { url, validityPeriod: o.validityPeriod } : { url };
      return { destination, url, mediaType: o.type };
    });
    doc.result = job.result?.autoCrop ? { ...job.result.autoCrop, outputs } : { outputs };
  }
  if (phase === 'failed' && job.failure) {
    const f = job.failure;
    doc.errorDetails = f.details.map((d) => ({
      errorCode: f.v2ErrorCode,
      message: `${f.title}: ${d.name}: ${d.reason}`,
    }));
  }
  return doc;
}

/** The status document of a job as Adobe shapes it for the job's family. */
export function statusDocument(
  origin: string,
  job: JobRecord,
  now = Date.now(),
): Record<string, unknown> {
  const view: StatusView = {
    job,
    phase: phaseOf(job, now),
    created: iso(job.createdAt),
    modified: iso(modifiedAt(job, now)),
    self: { self: { href: statusUrl(origin, job) } },
    input: job.mainInput,
  };
  switch (job.op.statusFamily) {
    case 'photoshop':
      return photoshopStatus(view);
    case 'sensei':
      return senseiStatus(view);
    case 'lightroom':
      return lightroomStatus(view);
    case 'v2':
      return v2Status(view);
    case 'masking':
      // The result fields of /v1/status documents come from handlers/status-documents.ts.
      return { jobId: job.id, status: V2_PHASE[view.phase] };
  }
}
