/**
 * Anything thrown, as an `Error`: an `Error` is returned as it is; any other value becomes an
 * `Error` whose message is its string form and whose `cause` is the value itself.
 */
export function coerceError(value: unknown): Error {
  if (value instanceof Error) return value;
  let message: string;
  try {
    message = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    message = String(value);
  }
  return new Error(message, { cause: value });
}
