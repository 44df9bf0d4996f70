import { withoutUrlQueries } from '@darkroom/core';
import { traceCarrierSchema, type TraceCarrier } from '@darkroom/tracing';
import { z } from 'zod';
import { CallbackInputError } from '../errors/callback-input-error';
import {
  parseCallbackUrl,
  type CallbackUrlOptions,
  type ParsedCallbackUrl,
} from '../target/check-callback-url';
import { CALLBACK_TYPES, type CallbackType } from './envelope';

/** The largest serialized `data` a callback carries: a result, not a payload store. */
export const MAX_DATA_BYTES = 64 * 1024;

/** What `enqueue` takes. */
export interface CallbackRequest {
  /** The edit (its job id), or the batch (its id) for `batch.completed`. */
  editId: string;
  /** The application's callback URL: the edit's own, or its tenant's default. */
  url: string;
  type: CallbackType;
  /** The edit's URL-free result or failure; a JSON object. */
  data: Record<string, unknown>;
  /** The edit's trace (W3C), so each delivery attempt is a span of the edit's trace. */
  trace?: TraceCarrier;
}

const requestSchema = z.object({
  editId: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
  url: z.string().max(2048),
  type: z.enum(CALLBACK_TYPES),
  data: z.record(z.string(), z.unknown()),
  trace: traceCarrierSchema.optional(),
});

/** The checked request, with the URL parsed and the data's JSON text. */
export interface ValidCallbackRequest extends CallbackRequest {
  parsed: ParsedCallbackUrl;
}

function firstIssue(error: z.ZodError): CallbackInputError {
  const issue = error.issues[0]!;
  const field = issue.path.join('.') || '(request)';
  const rule = field === 'url' ? 'url' : issue.code;
  return new CallbackInputError(
    field === 'url' ? 'callback.url' : field,
    rule,
    `${field}: ${issue.message}`,
  );
}

/**
 * Checks a callback request without I/O: the fields' shapes, the URL's syntax rules, and data
 * that is JSON, small, and free of URL query strings (a presigned URL must never be stored or
 * sent; strip it, or better, send the storage reference).
 * @throws {CallbackInputError} naming the field and the rule (`CallbackUrlError` for the URL)
 */
export function validateCallbackRequest(
  input: unknown,
  urlOptions: CallbackUrlOptions,
): ValidCallbackRequest {
  const result = requestSchema.safeParse(input);
  if (!result.success) throw firstIssue(result.error);
  const request = result.data;
  const parsed = parseCallbackUrl(request.url, urlOptions);
  let json: string | undefined;
  try {
    json = JSON.stringify(request.data);
  } catch (err) {
    throw new CallbackInputError(
      'data',
      'json',
      `data must be JSON-serializable: ${(err as Error).message}`,
    );
  }
  if (Buffer.byteLength(json) > MAX_DATA_BYTES) {
    throw new CallbackInputError(
      'data',
      'max-size',
      `data must serialize to at most ${MAX_DATA_BYTES} bytes`,
    );
  }
  if (JSON.stringify(withoutUrlQueries(request.data)) !== json) {
    throw new CallbackInputError(
      'data',
      'no-url-query',
      'data must not hold URLs with a query string or fragment (presigned URLs are never sent)',
    );
  }
  return { ...request, parsed };
}
