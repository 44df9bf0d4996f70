import { isRunId, parseFailedReason } from '@darkroom/jobs';
import { headlineFirst, isRecord } from './format-job';

/** Where an edit's view links to pages of the dashboard's own. */
export interface EditViewLinks {
  /** The runs page (`<basePath>/runs`): a step of a recipe run names its run's page. */
  runsPage?: string;
}

/**
 * Whether a job's formatted data is an edit's: the formatter has lifted its `operation`, and it
 * has a `step`. Other queues' jobs (callback deliveries) are left as Bull Board shows them.
 */
function isEditView(data: unknown): data is Record<string, unknown> {
  return isRecord(data) && typeof data.operation === 'string' && typeof data.step === 'string';
}

const countOf = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** The page of the run an edit is a step of, when its data names one and the page is known. */
function runPageOf(data: Record<string, unknown>, links: EditViewLinks): string | undefined {
  const run = data.run;
  if (!links.runsPage || !isRecord(run) || typeof run.id !== 'string' || !isRunId(run.id)) {
    return undefined;
  }
  return `${links.runsPage}?${new URLSearchParams({ id: run.id }).toString()}`;
}

/**
 * One job of a Bull Board reply, as an edit should read:
 *
 * - a failure shows its reason code and message (`client_error: InputValidationError …`, read
 *   with `parseFailedReason`, so BullMQ's own failures get a code too), and no stack trace: the
 *   Error tab shows the reason instead;
 * - BullMQ's `attemptsStarted` counts pick-ups (each poll of an edit is one), which Bull Board
 *   shows as "N started" beside "attempt #N"; it is taken out of the header and shown in the
 *   data as `pickUps`, next to `submitRounds` (the first round plus one per retry of the failed
 *   edit), `polls` and `submits`;
 * - a step of a recipe run shows its `run` (`{ id, step }`) near the top, and `runPage`, the
 *   path of the run's page on this dashboard (Bull Board shows data as text, not links).
 */
export function editJobView(job: unknown, links: EditViewLinks = {}): unknown {
  if (!isRecord(job) || !isEditView(job.data)) return job;
  const { attemptsStarted, ...rest } = job;
  const pickUps = countOf(attemptsStarted) ?? countOf(job.attempts) ?? 0;
  const submitRounds = (countOf(job.data.retries) ?? 0) + 1;
  const runPage = runPageOf(job.data, links);
  const view: Record<string, unknown> = {
    ...rest,
    data: headlineFirst({ ...job.data, pickUps, submitRounds, ...(runPage ? { runPage } : {}) }),
    stacktrace: [],
  };
  if (typeof job.failedReason === 'string' && job.failedReason.length > 0) {
    const { reason, message } = parseFailedReason(job.failedReason);
    view.failedReason = `${reason}: ${message}`;
  }
  return view;
}

/**
 * A Bull Board API reply with every edit in it shown by {@link editJobView}: the job of a job
 * reply (`{ job, status }`) and the jobs of each queue in a list reply (`{ queues }`).
 */
export function editJobsInReply(body: unknown, links: EditViewLinks = {}): unknown {
  if (!isRecord(body)) return body;
  const out: Record<string, unknown> = { ...body };
  if ('job' in body) out.job = editJobView(body.job, links);
  if (Array.isArray(body.queues)) {
    out.queues = body.queues.map((queue: unknown) =>
      isRecord(queue) && Array.isArray(queue.jobs)
        ? { ...queue, jobs: queue.jobs.map((job: unknown) => editJobView(job, links)) }
        : queue,
    );
  }
  return out;
}
