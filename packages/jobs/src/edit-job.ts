import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import {
  buildRequestBody,
  fromZodIssues,
  getOperation,
  operationIds,
  RequestValidationError,
  retirementNotice,
  retirementOf,
  type LegacyPolicy,
  type ReferencedBody,
} from '@darkroom/photoshop';
import { presignableRefSchema } from '@darkroom/storage';
import { addressRange, CallbackUrlError, parseCallbackUrl } from '@darkroom/callbacks';
import { MAX_DEADLINE_MS, MIN_DEADLINE_MS } from './constants';
import { EditJobValidationError, type JobIssue } from './errors/edit-job-validation-error';

/** Labels that end up in Redis keys, metric labels and logs: short and plain. */
export const label = (what: string) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(64, `${what} must be at most 64 characters`)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, `${what} may hold letters, digits, '.', '_' and '-'`);

const outputSchema = z
  .object({ ref: presignableRefSchema })
  .catchall(z.unknown())
  .describe('an output: a storage reference plus the operation output options');

/**
 * What application code passes to `EditQueue.enqueue`: one operation from the catalog, exactly
 * one main input reference, outputs and options written with storage references (never URLs),
 * and who pays.
 */
export const editJobInputSchema = z
  .object({
    operation: z.enum(operationIds, {
      error: () => `operation must be one of: ${operationIds.join(', ')}`,
    }),
    input: presignableRefSchema.optional(),
    outputs: z
      .array(outputSchema)
      .min(1, 'at least one output is required')
      .max(25, "at most 25 outputs (Adobe's limit per request)"),
    options: z.record(z.string(), z.unknown()).optional(),
    account: label('account').default('default'),
    tenant: label('tenant').optional(),
    priority: z
      .number()
      .int('priority must be an integer')
      .min(1, 'priority must be at least 1 (1 is the highest)')
      .max(2_097_152, 'priority must be at most 2097152')
      .optional(),
    deadline: z
      .union([z.date(), z.number().int().positive(), z.iso.datetime({ offset: true })], {
        error: () => 'deadline must be a Date, epoch milliseconds or an ISO-8601 timestamp',
      })
      .optional(),
    idempotencyKey: z
      .string()
      .min(1, 'idempotencyKey must not be empty')
      .max(200, 'idempotencyKey must be at most 200 characters')
      .regex(/^[\x21-\x7e]+$/, 'idempotencyKey must be printable ASCII without spaces')
      .optional(),
    /**
     * Where Darkroom POSTs the edit's signed, URL-free result when it ends (the application's
     * own endpoint); without it, the tenant's default, if the worker has one.
     */
    callback: z
      .object({
        url: z
          .string({ error: 'callback.url must be a string' })
          .min(1, 'callback.url must not be empty')
          .max(2048, 'callback.url must be at most 2048 characters'),
      })
      .strict()
      .optional(),
  })
  .strict();

export type EditJobInput = z.input<typeof editJobInputSchema>;
type ParsedInput = z.output<typeof editJobInputSchema>;

/**
 * The request part of a job: the operation and what is sent to Adobe once references are
 * presigned. {@link requestBody} gives the `ReferencedBody` that Adobe's body is built from.
 */
export interface EditRequest {
  operation: string;
  input?: string;
  outputs: ({ ref: string } & Record<string, unknown>)[];
  options?: Record<string, unknown>;
}

/** A validated job, ready to be stored. */
export interface ValidatedEditJob {
  request: EditRequest;
  account: string;
  tenant?: string;
  priority?: number;
  deadlineAt?: number;
  idempotencyKey?: string;
  /** The application's callback endpoint, as given (it passed the rules that need no I/O). */
  callback?: { url: string };
  /**
   * sha256 of the request, account, tenant and callback: tells a replay from a conflicting reuse
   * of a key. A job without a callback hashes exactly as before callbacks existed; the same key
   * with another callback URL is a conflict, since a replay could not change where it is sent.
   */
  fingerprint: string;
}

/** What validation needs to know beyond the job. */
export interface ValidateEditJobOptions {
  /** What intake does with operations of retired Adobe APIs. @defaultValue 'allow' */
  legacyApi?: LegacyPolicy;
  /**
   * Hosts a callback may name although they are not public, `http` too (`host:port` or `host`):
   * for local development only; the worker's delivery checks its own list again.
   * @defaultValue []
   */
  callbackAllow?: readonly string[];
}

/** zod issues in the same path format (`outputs[0].ref`) and rule names as the API contract's. */
function issuesFromZod(error: z.ZodError): JobIssue[] {
  return fromZodIssues(error.issues);
}

/**
 * Canonical JSON (keys sorted, `undefined` left out) without recursion, so no nesting depth can
 * overflow the stack.
 */
export function canonical(value: unknown): string {
  const out: string[] = [];
  const todo: unknown[] = [value];
  while (todo.length > 0) {
    const next = todo.pop();
    if (next instanceof Literal) {
      out.push(next.text);
    } else if (Array.isArray(next)) {
      const parts: unknown[] = [new Literal('[')];
      next.forEach((item, i) => parts.push(...(i > 0 ? [new Literal(',')] : []), item));
      todo.push(...parts.concat(new Literal(']')).reverse());
    } else if (next && typeof next === 'object') {
      const entries = Object.entries(next as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const parts: unknown[] = [new Literal('{')];
      entries.forEach(([k, v], i) =>
        parts.push(new Literal(`${i > 0 ? ',' : ''}${JSON.stringify(k)}:`), v),
      );
      todo.push(...parts.concat(new Literal('}')).reverse());
    } else {
      out.push(JSON.stringify(next));
    }
  }
  return out.join('');
}

/** Text `canonical` writes as is. */
class Literal {
  constructor(readonly text: string) {}
}

// Validation builds the real Adobe body with a resolver that does no I/O, so every rule of the
// contract (output options, file positions inside options, limits) is checked before Redis.
const dryResolve = () =>
  Promise.resolve({ href: 'https://validation.invalid/x', storage: 'external' as const });

/**
 * The job's shape, checked by the zod schema. A legacy `inputs` list is reported next to the
 * schema's own issues rather than hiding them.
 */
function parseShape(input: unknown): ParsedInput {
  const issues: JobIssue[] = [];
  if (input && typeof input === 'object' && 'inputs' in input) {
    issues.push({
      path: 'inputs',
      rule: 'single_input',
      message:
        "an edit job takes exactly one main input: Adobe's Photoshop API endpoints only support a single file input; give one `input` reference",
    });
  }
  const parsed = editJobInputSchema.safeParse(
    issues.length > 0 ? omit(input as Record<string, unknown>, 'inputs') : input,
  );
  if (!parsed.success) issues.push(...issuesFromZod(parsed.error));
  if (!parsed.success || issues.length > 0) throw new EditJobValidationError(issues);
  return parsed.data;
}

/** The catalog's rules on the main input and on how many outputs the operation writes. */
function checkOperationRules(job: ParsedInput): void {
  const operation = getOperation(job.operation);
  if (operation.mainInput === 'required' && !job.input) {
    throw new EditJobValidationError([
      { path: 'input', rule: 'required', message: `${job.operation} needs a main input reference` },
    ]);
  }
  if (operation.mainInput === 'none' && job.input) {
    throw new EditJobValidationError([
      { path: 'input', rule: 'not_allowed', message: `${job.operation} takes no main input` },
    ]);
  }
  if (operation.maxOutputs === 0) {
    // Results such as a manifest come back in Adobe's status reply; Darkroom writes them to the
    // job's one output as JSON.
    const only = job.outputs[0];
    const type = only?.type;
    if (job.outputs.length !== 1 || (type !== undefined && type !== 'application/json')) {
      throw new EditJobValidationError([
        {
          path: 'outputs',
          rule: 'single_json_output',
          message: `${job.operation} returns its result in the status reply: give exactly one output, of type application/json, where Darkroom writes it`,
        },
      ]);
    }
  }
}

/** Every rule of Adobe's contract for the body, by building it without presigning anything. */
async function checkAdobeBody(request: EditRequest): Promise<void> {
  try {
    await buildRequestBody(request.operation, requestBody(request), dryResolve);
  } catch (err) {
    if (err instanceof RequestValidationError) {
      throw new EditJobValidationError(
        err.issues.map((i) => ({ path: i.path, rule: i.rule, message: i.message })),
      );
    }
    throw err;
  }
}

/**
 * The deadline in epoch milliseconds, whichever of its accepted forms it was given in, from
 * `MIN_DEADLINE_MS` to `MAX_DEADLINE_MS` ahead of now.
 */
function deadlineOf(deadline: ParsedInput['deadline']): number | undefined {
  if (deadline === undefined) return undefined;
  const deadlineAt =
    deadline instanceof Date
      ? deadline.getTime()
      : typeof deadline === 'number'
        ? deadline
        : Date.parse(deadline);
  if (!Number.isFinite(deadlineAt)) {
    throw new EditJobValidationError([
      { path: 'deadline', rule: 'invalid_date', message: 'deadline is not a valid time' },
    ]);
  }
  const ahead = deadlineAt - Date.now();
  if (ahead < MIN_DEADLINE_MS || ahead > MAX_DEADLINE_MS) {
    throw new EditJobValidationError([
      {
        path: 'deadline',
        rule: 'deadline_range',
        message: `deadline must be from ${MIN_DEADLINE_MS / 1000} s to ${MAX_DEADLINE_MS / 86_400_000} days from now (an absolute time in epoch milliseconds or ISO-8601), got ${ahead < 0 ? 'a time in the past' : `${Math.round(ahead / 1000)} s ahead`}`,
      },
    ]);
  }
  return deadlineAt;
}

/**
 * Refuses an operation of an API Adobe has retired unless the caller runs them on purpose
 * (`legacyApi: 'allow'`, a grace period): Adobe may refuse them, and each has a v2 replacement.
 */
function checkRetirement(operation: string, policy: LegacyPolicy): void {
  const retirement = policy === 'refuse' ? retirementOf(operation) : undefined;
  if (!retirement) return;
  throw new EditJobValidationError([
    { path: 'operation', rule: 'retired_api', message: retirementNotice(operation, retirement) },
  ]);
}

/** Host names that mean this machine whatever DNS says (RFC 6761). */
const LOOPBACK_NAME = /^(localhost|.+\.localhost)\.?$/i;

/**
 * The callback URL's rules that need no I/O: a URL, `https` (or `http` for an allow-listed host),
 * no user name or password, and a host that is not a literal non-public address or `localhost`.
 * Names that resolve to such addresses pass here and are refused by the worker at delivery.
 */
function checkCallback(
  callback: ParsedInput['callback'],
  allow: readonly string[],
): { url: string } | undefined {
  if (!callback) return undefined;
  try {
    const parsed = parseCallbackUrl(callback.url, { allow });
    const host = parsed.url.hostname.replace(/^\[(.*)\]$/, '$1');
    const range =
      isIP(host) !== 0 ? addressRange(host) : LOOPBACK_NAME.test(host) ? 'loopback' : undefined;
    if (range !== undefined && !parsed.allowListed) {
      throw new CallbackUrlError(
        'public-address',
        `callback.url must reach a public address: ${host} is ${range}: ${parsed.target}`,
        range,
      );
    }
    return { url: callback.url };
  } catch (err) {
    if (!(err instanceof CallbackUrlError)) throw err;
    throw new EditJobValidationError([{ path: err.field, rule: err.rule, message: err.message }]);
  }
}

/**
 * Validates one job and returns it normalised, or throws `EditJobValidationError` listing every
 * bad field (path and rule). An operation of a
 * retired Adobe API is refused when `legacyApi` is `'refuse'`. Nothing here touches Redis, storage or the network.
 */
export async function validateEditJob(
  input: unknown,
  options: ValidateEditJobOptions = {},
): Promise<ValidatedEditJob> {
  const job = parseShape(input);
  checkOperationRules(job);
  const callback = checkCallback(job.callback, options.callbackAllow ?? []);
  checkRetirement(job.operation, options.legacyApi ?? 'allow');
  const request: EditRequest = {
    operation: job.operation,
    ...(job.input ? { input: job.input } : {}),
    outputs: job.outputs,
    ...(job.options ? { options: job.options } : {}),
  };
  await checkAdobeBody(request);
  const deadlineAt = deadlineOf(job.deadline);
  const fingerprint = createHash('sha256')
    .update(canonical({ request, account: job.account, tenant: job.tenant, callback }))
    .digest('hex');
  return {
    request,
    account: job.account,
    ...(job.tenant ? { tenant: job.tenant } : {}),
    ...(job.priority ? { priority: job.priority } : {}),
    ...(deadlineAt ? { deadlineAt } : {}),
    ...(job.idempotencyKey ? { idempotencyKey: job.idempotencyKey } : {}),
    ...(callback ? { callback } : {}),
    fingerprint,
  };
}

/**
 * The part of a request Adobe's body is built from: the operation picks the endpoint, and the
 * outputs of an operation that answers in its status reply are Darkroom's to write, not Adobe's.
 */
export function requestBody(request: EditRequest): ReferencedBody {
  const { operation, outputs, ...body } = request;
  return getOperation(operation).maxOutputs === 0 ? body : { ...body, outputs };
}

function omit(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = obj;
  return rest;
}
