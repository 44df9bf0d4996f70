import { type z } from 'zod';

/** Thrown when configuration is invalid; `issues` names each variable and the rule it broke. */
export class ConfigError extends Error {
  readonly issues: { variable: string; rule: string }[];
  constructor(issues: { variable: string; rule: string }[]) {
    super(`invalid configuration: ${issues.map((i) => `${i.variable}: ${i.rule}`).join('; ')}`);
    this.name = this.constructor.name;
    this.issues = issues;
  }
}

export type EnvSource = Record<string, string | undefined>;

/**
 * Parses an environment-like object with a zod schema. Nothing is read from `process.env`
 * unless the caller passes it: configuration is parsed in a function, never on import.
 */
export function parseEnv<S extends z.ZodType>(schema: S, source: EnvSource): z.output<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: issue.path.map(String).join('.') || '(root)',
      rule: issue.message,
    })),
  );
}

/** Names that hold secrets; `redactEnv` replaces their values before an env is logged. */
const SECRET_NAME = /SECRET|PASSWORD|TOKEN|KEY|CREDENTIAL|SAS|CONNECTION_STRING/i;

/** A copy of an env fit for logging: secret-looking values and URL passwords are replaced. */
export function redactEnv(source: EnvSource): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined) continue;
    if (SECRET_NAME.test(name)) out[name] = '[redacted]';
    else out[name] = value.replace(/(\w+:\/\/[^:/@\s]*:)[^@\s]+@/g, '$1[redacted]@');
  }
  return out;
}
