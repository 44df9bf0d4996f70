import { getOperation } from './catalog';
import { RequestValidationError, type ValidationIssue } from './errors/request-validation-error';
import { fromZodIssues } from './validation-issues';

export type BodyValidationResult =
  { ok: true; body: Record<string, unknown> } | { ok: false; issues: ValidationIssue[] };

/**
 * Checks an Adobe request body against the operation's contract, naming each failing field path
 * and rule. Servers (the emulator) use it to answer 400; the client uses it before sending.
 */
export function validateRequestBody(operationId: string, body: unknown): BodyValidationResult {
  const op = getOperation(operationId);
  const parsed = op.bodySchema.safeParse(body);
  if (parsed.success) return { ok: true, body: parsed.data as Record<string, unknown> };
  return { ok: false, issues: fromZodIssues(parsed.error.issues) };
}

/** Like `validateRequestBody` but throws `RequestValidationError`. */
export function assertRequestBody(operationId: string, body: unknown): Record<string, unknown> {
  const result = validateRequestBody(operationId, body);
  if (!result.ok) throw new RequestValidationError(result.issues, operationId);
  return result.body;
}
