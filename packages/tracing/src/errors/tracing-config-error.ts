/**
 * An `OTEL_*` variable holds a value Darkroom cannot act on. `field` names the variable and
 * `rule` says what it accepts; the value itself is not repeated (headers may carry credentials).
 */
export class TracingConfigError extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${field}: ${rule}`);
    this.name = this.constructor.name;
  }
}
