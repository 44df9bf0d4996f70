import type { Processor } from 'bullmq';
import {
  createStepMachine,
  DurationEstimator,
  PollSchedule,
  RemoteEventStore,
  type BudgetPort,
  type DurationEstimate,
  type EditJobData,
  type EditJobResult,
  type FairGate,
  type JournalErrorHandler,
  type RedisConnection,
  type StepObserver,
  type StoragePort,
} from '@darkroom/jobs';
import {
  createAccountClient,
  durationClasses,
  isDurationClass,
  type PhotoshopClient,
  type RequestEvent,
} from '@darkroom/photoshop';
import type { WorkerConfig } from './config';
import { budgetKeyOf } from './rate-budget';

/** What the job processor is built from besides configuration. */
export interface StepProcessorDeps {
  config: Pick<
    WorkerConfig,
    | 'prefix'
    | 'queueName'
    | 'accounts'
    | 'apiTimeoutMs'
    | 'expectedDurationScale'
    | 'retryBaseMs'
    | 'legacyApi'
    | 'events'
  >;
  redis: RedisConnection;
  storage: StoragePort;
  budget: BudgetPort;
  /** Fair dispatch between tenants (absent: edits submit in queue order). */
  fair?: FairGate;
  observer: StepObserver;
  /** Called after every HTTP call to Adobe, for metrics. */
  onRequest: (event: RequestEvent) => void;
  /** Told once per run of failed job log or progress writes. */
  onJournalError?: JournalErrorHandler;
}

/**
 * One Photoshop API client per configured account, looked up by the account a job names. A job
 * for an account this worker does not know fails rather than borrowing another account's quota.
 */
export function accountClients(
  accounts: WorkerConfig['accounts'],
  options: { timeoutMs: number; onRequest: (event: RequestEvent) => void },
): (account: string) => PhotoshopClient {
  const clients = new Map<string, PhotoshopClient>();
  for (const [name, account] of Object.entries(accounts)) {
    // No retries inside the client: the step machine retries a failed status read as a delayed
    // job, each try with its own budget token, rather than four requests on one token.
    clients.set(name, createAccountClient(account, { ...options, retry: { retries: 0 } }).client);
  }
  return (account) => {
    const client = clients.get(account);
    if (!client) throw new Error(`account '${account}' is not configured on this worker`);
    return client;
  };
}

/**
 * Expected remote durations before any job of an operation has finished: the catalog's, scaled
 * (runs against an emulator with a faster clock scale them down).
 */
export function catalogEstimate(scale: number): (durationClass: string) => DurationEstimate {
  return (cls) => {
    const base = (isDurationClass(cls) ? durationClasses[cls] : durationClasses.simple).expected;
    return { meanMs: base.meanMs * scale, deviationMs: base.deviationMs * scale };
  };
}

/** The BullMQ processor every consumer of this worker runs: Darkroom's step machine. */
export function createStepProcessor(
  deps: StepProcessorDeps,
): Processor<EditJobData, EditJobResult> {
  const { config, redis } = deps;
  return createStepMachine({
    redis,
    prefix: config.prefix,
    queueName: config.queueName,
    storage: deps.storage,
    api: accountClients(config.accounts, {
      timeoutMs: config.apiTimeoutMs,
      onRequest: deps.onRequest,
    }),
    budget: deps.budget,
    budgetKey: budgetKeyOf(config.accounts),
    estimator: new DurationEstimator({ redis, prefix: `${config.prefix}:${config.queueName}` }),
    schedule: new PollSchedule(),
    defaultEstimate: catalogEstimate(config.expectedDurationScale),
    retryBaseMs: config.retryBaseMs,
    legacyApi: config.legacyApi,
    ...(deps.fair ? { fair: deps.fair } : {}),
    ...(deps.onJournalError ? { onJournalError: deps.onJournalError } : {}),
    ...(config.events
      ? {
          events: new RemoteEventStore({
            redis,
            prefix: config.prefix,
            queueName: config.queueName,
          }),
          pollStretch: config.events.pollStretch,
        }
      : {}),
    observer: deps.observer,
  });
}
