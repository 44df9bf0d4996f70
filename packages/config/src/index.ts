export { parseEnv, redactEnv, ConfigError } from './parse-env';
export type { EnvSource } from './parse-env';
