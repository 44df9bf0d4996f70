/** One HTTP attempt, reported to `onRequest` for metrics. Carries no URL, token or body. */
export interface RequestEvent {
  endpointClass: 'submit' | 'status' | 'token' | 'other';
  method: string;
  /** HTTP status, absent when no reply arrived. */
  status?: number;
  durationMs: number;
  /** 1 for the first try, 2 for the first retry... */
  attempt: number;
  /** Short error label (Adobe's type, `timeout`, `ECONNRESET`), absent on success. */
  error?: string;
}
