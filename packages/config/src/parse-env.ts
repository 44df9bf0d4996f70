import { isSecretEnvName, REDACTED, redactUrlPasswords } from '@darkroom/core';
import { type z } from 'zod';

/**
 * Thrown when configuration is invalid; `issues` names each variable and the rule it broke. The
 * one error of `@darkroom/config`, and so its base: processes recognise it by its name (see
 * `isConfigurationError` of `@darkroom/core`) and exit with the configuration code.
 */
export class ConfigError extends Error {
  readonly issues: { variable: string; rule: string }[];
  constructor(issues: { variable: string; rule: string }[], options?: { cause?: unknown }) {
    super(
      `invalid configuration: ${issues.map((i) => `${i.variable}: ${i.rule}`).join('; ')}`,
      options,
    );
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

/**
 * A copy of an env fit for logging: the value of every variable whose name holds a secret word
 * (`ADOBE_CLIENT_SECRET`, `DROPBOX_REFRESH_TOKEN`) is replaced, and so is the password of any
 * URL in the other values (`REDIS_URL`); unset variables are left out.
 */
export function redactEnv(source: EnvSource): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined) continue;
    out[name] = isSecretEnvName(name) ? REDACTED : redactUrlPasswords(value);
  }
  return out;
}
