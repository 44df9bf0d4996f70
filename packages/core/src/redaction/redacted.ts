/** What stands in for a secret wherever Darkroom shows data: logs, errors, dashboard views. */
export const REDACTED = '[redacted]';
