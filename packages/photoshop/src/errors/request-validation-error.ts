import { PhotoshopError } from './photoshop-error';

export interface ValidationIssue {
  /** Dotted path with indexes, e.g. `options.layers[2].input`. */
  path: string;
  /** Short machine-readable rule, e.g. `max-outputs`, `single-input`, `no-direct-url`. */
  rule: string;
  message: string;
}

/** A request (a job description or an Adobe body) was refused before anything was sent. */
export class RequestValidationError extends PhotoshopError {
  constructor(
    readonly issues: ValidationIssue[],
    readonly operationId?: string,
  ) {
    const head = issues
      .slice(0, 3)
      .map((i) => `${i.path || '(root)'}: ${i.message} [${i.rule}]`)
      .join('; ');
    const more = issues.length > 3 ? ` (+${issues.length - 3} more)` : '';
    super(`invalid ${operationId ?? 'request'}: ${head}${more}`);
  }
}
