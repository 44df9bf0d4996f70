import { parseArgs } from 'node:util';
import { type EmulatorClient, type EmulatorOptions, EmulatorOptionsError } from './options';
import { faultConfigSchema } from '../faults/fault-config';

/**
 * Reads emulator options from command-line flags, falling back to environment variables.
 * Flags: --port --host --time-factor --seed --processing --no-rate-limits --scale-rate-limits
 * --client id:secret (repeatable) --token-lifetime --faults <json> --deny-http-loopback
 * --log-requests.
 * Env: EMULATOR_PORT, EMULATOR_HOST, EMULATOR_TIME_FACTOR, EMULATOR_SEED, EMULATOR_PROCESSING,
 * EMULATOR_RATE_LIMITS=off, EMULATOR_SCALE_RATE_LIMITS=1, EMULATOR_CLIENTS=id:secret,id:secret,
 * EMULATOR_TOKEN_LIFETIME, EMULATOR_FAULTS=<json>, EMULATOR_LOG_REQUESTS=1.
 */
export function parseEmulatorArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = {},
): EmulatorOptions {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'time-factor': { type: 'string' },
      seed: { type: 'string' },
      processing: { type: 'string' },
      'no-rate-limits': { type: 'boolean' },
      'scale-rate-limits': { type: 'boolean' },
      client: { type: 'string', multiple: true },
      'token-lifetime': { type: 'string' },
      faults: { type: 'string' },
      'deny-http-loopback': { type: 'boolean' },
      'log-requests': { type: 'boolean' },
    },
    strict: true,
  });
  const number = (name: string, raw: string | undefined): number | undefined => {
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n))
      throw new EmulatorOptionsError(`${name} must be a number, got "${raw}"`);
    return n;
  };
  const options: EmulatorOptions = {};
  const port = number('port', values.port ?? env.EMULATOR_PORT);
  if (port !== undefined) options.port = port;
  const host = values.host ?? env.EMULATOR_HOST;
  if (host) options.host = host;
  const timeFactor = number('time-factor', values['time-factor'] ?? env.EMULATOR_TIME_FACTOR);
  if (timeFactor !== undefined) options.timeFactor = timeFactor;
  const seed = number('seed', values.seed ?? env.EMULATOR_SEED);
  if (seed !== undefined) options.seed = seed;
  const processing = values.processing ?? env.EMULATOR_PROCESSING;
  if (processing !== undefined) {
    if (processing !== 'real' && processing !== 'placeholder') {
      throw new EmulatorOptionsError(`processing must be real or placeholder, got "${processing}"`);
    }
    options.processing = processing;
  }
  if (values['no-rate-limits'] || env.EMULATOR_RATE_LIMITS === 'off') options.limits = false;
  if (values['scale-rate-limits'] || env.EMULATOR_SCALE_RATE_LIMITS === '1')
    options.scaleRateLimits = true;
  const clientSpecs =
    values.client ?? (env.EMULATOR_CLIENTS ? env.EMULATOR_CLIENTS.split(',') : []);
  if (clientSpecs.length > 0) {
    options.clients = clientSpecs.map((spec): EmulatorClient => {
      const i = spec.indexOf(':');
      if (i <= 0) throw new EmulatorOptionsError('client must look like <clientId>:<clientSecret>');
      return { clientId: spec.slice(0, i), clientSecret: spec.slice(i + 1) };
    });
  }
  const lifetime = number(
    'token-lifetime',
    values['token-lifetime'] ?? env.EMULATOR_TOKEN_LIFETIME,
  );
  if (lifetime !== undefined) options.tokenLifetimeSeconds = lifetime;
  const faults = values.faults ?? env.EMULATOR_FAULTS;
  if (faults) {
    let json: unknown;
    try {
      json = JSON.parse(faults);
    } catch {
      throw new EmulatorOptionsError('faults must be JSON');
    }
    const parsed = faultConfigSchema.safeParse(json);
    if (!parsed.success) {
      throw new EmulatorOptionsError(
        `faults: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    options.faults = parsed.data;
  }
  if (values['deny-http-loopback']) options.allowHttpLoopbackStorage = false;
  if (values['log-requests'] || env.EMULATOR_LOG_REQUESTS === '1') options.logRequests = true;
  return options;
}
