/**
 * Label values must come from small, known sets: an id or a free-text message as a label value
 * makes a new series per job and eventually takes Prometheus down. Anything that does not look
 * like a short machine code is folded into `other`.
 */
const CODE = /^[A-Za-z0-9_.-]{1,64}$/;

/** A bounded label value: the value itself when it looks like a code, `other` otherwise. */
export function boundLabel(value: string): string {
  return CODE.test(value) ? value : 'other';
}

/**
 * A failure reason as a code: `client_error: InputValidationError ...` becomes `client_error`,
 * so a caller that passes a whole message still produces one series per kind of failure.
 */
export function reasonLabel(reason: string): string {
  const head = reason.trim().split(/[\s:]/, 1)[0] ?? '';
  return boundLabel(head);
}
