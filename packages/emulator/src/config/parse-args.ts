import { parseArgs } from 'node:util';
import {
  DEFAULT_CLIENT,
  type EmulatorClient,
  type EmulatorOptions,
  EmulatorOptionsError,
  type ProcessingMode,
  webhookUrlsOf,
} from './options';
import { type FaultConfig, faultConfigSchema } from '../faults/fault-config';

/** Every flag the emulator takes; each has an environment variable too, but for the deny flag. */
const EMULATOR_FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'time-factor': { type: 'string' },
  seed: { type: 'string' },
  processing: { type: 'string' },
  'no-rate-limits': { type: 'boolean' },
  'scale-rate-limits': { type: 'boolean' },
  client: { type: 'string', multiple: true },
  'client-org': { type: 'string', multiple: true },
  'token-lifetime': { type: 'string' },
  faults: { type: 'string' },
  'deny-http-loopback': { type: 'boolean' },
  'log-requests': { type: 'boolean' },
  'events-webhook': { type: 'string', multiple: true },
} as const;

/** The long names of every flag `parseEmulatorArgs` takes (the server's README lists each). */
export const emulatorFlagNames: readonly string[] = Object.keys(EMULATOR_FLAGS);

/** A number setting; unset or empty is `undefined`, anything else not a number is an error. */
function numberSetting(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new EmulatorOptionsError(`${name} must be a number, got "${raw}"`);
  return n;
}

/** `real` image work or `placeholder` files; anything else is an error. */
function processingMode(raw: string): ProcessingMode {
  if (raw !== 'real' && raw !== 'placeholder') {
    throw new EmulatorOptionsError(`processing must be real or placeholder, got "${raw}"`);
  }
  return raw;
}

/** `id:secret` pairs; the secret may itself hold colons, the id may not be empty. */
function clientsOf(specs: readonly string[]): EmulatorClient[] {
  return specs.map((spec): EmulatorClient => {
    const i = spec.indexOf(':');
    if (i <= 0) throw new EmulatorOptionsError('client must look like <clientId>:<clientSecret>');
    return { clientId: spec.slice(0, i), clientSecret: spec.slice(i + 1) };
  });
}

/**
 * `clientId=orgId` pairs put each named client (one of `clients`) in that IMS organization; an
 * org id may itself hold `=`, the client id may not be empty.
 */
function withOrgs(clients: readonly EmulatorClient[], specs: readonly string[]): EmulatorClient[] {
  const orgs = new Map<string, string>();
  for (const spec of specs) {
    const i = spec.indexOf('=');
    if (i <= 0 || i === spec.length - 1) {
      throw new EmulatorOptionsError('client-org must look like <clientId>=<orgId>');
    }
    const clientId = spec.slice(0, i);
    if (!clients.some((c) => c.clientId === clientId)) {
      throw new EmulatorOptionsError(
        `client-org names client "${clientId}", which is not a client`,
      );
    }
    orgs.set(clientId, spec.slice(i + 1));
  }
  return clients.map((c) => {
    const orgId = orgs.get(c.clientId);
    return orgId === undefined ? c : { ...c, orgId };
  });
}

/** The fault plan from its JSON, every schema issue named with its path. */
function faultsOf(text: string): FaultConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new EmulatorOptionsError('faults must be JSON');
  }
  const parsed = faultConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new EmulatorOptionsError(
      `faults: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

/**
 * Reads emulator options from command-line flags, falling back to environment variables.
 * Flags: --port --host --time-factor --seed --processing --no-rate-limits --scale-rate-limits
 * --client id:secret (repeatable) --client-org id=org (repeatable) --token-lifetime --faults <json> --deny-http-loopback
 * --log-requests --events-webhook <url> (repeatable).
 * Env: EMULATOR_PORT, EMULATOR_HOST, EMULATOR_TIME_FACTOR, EMULATOR_SEED, EMULATOR_PROCESSING,
 * EMULATOR_RATE_LIMITS=off, EMULATOR_SCALE_RATE_LIMITS=1, EMULATOR_CLIENTS=id:secret,id:secret,
 * EMULATOR_CLIENT_ORGS=id=org,id=org,
 * EMULATOR_TOKEN_LIFETIME, EMULATOR_FAULTS=<json>, EMULATOR_LOG_REQUESTS=1,
 * EMULATOR_EVENTS_WEBHOOK=<url>,<url>.
 */
export function parseEmulatorArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = {},
): EmulatorOptions {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: EMULATOR_FLAGS,
    strict: true,
  });
  const options: EmulatorOptions = {};
  const port = numberSetting('port', values.port ?? env.EMULATOR_PORT);
  if (port !== undefined) options.port = port;
  const host = values.host ?? env.EMULATOR_HOST;
  if (host) options.host = host;
  const timeFactor = numberSetting(
    'time-factor',
    values['time-factor'] ?? env.EMULATOR_TIME_FACTOR,
  );
  if (timeFactor !== undefined) options.timeFactor = timeFactor;
  const seed = numberSetting('seed', values.seed ?? env.EMULATOR_SEED);
  if (seed !== undefined) options.seed = seed;
  const processing = values.processing ?? env.EMULATOR_PROCESSING;
  if (processing !== undefined) options.processing = processingMode(processing);
  if (values['no-rate-limits'] || env.EMULATOR_RATE_LIMITS === 'off') options.limits = false;
  if (values['scale-rate-limits'] || env.EMULATOR_SCALE_RATE_LIMITS === '1')
    options.scaleRateLimits = true;
  const clientSpecs =
    values.client ?? (env.EMULATOR_CLIENTS ? env.EMULATOR_CLIENTS.split(',') : []);
  if (clientSpecs.length > 0) options.clients = clientsOf(clientSpecs);
  const orgSpecs =
    values['client-org'] ?? (env.EMULATOR_CLIENT_ORGS ? env.EMULATOR_CLIENT_ORGS.split(',') : []);
  if (orgSpecs.length > 0)
    options.clients = withOrgs(options.clients ?? [DEFAULT_CLIENT], orgSpecs);
  const lifetime = numberSetting(
    'token-lifetime',
    values['token-lifetime'] ?? env.EMULATOR_TOKEN_LIFETIME,
  );
  if (lifetime !== undefined) options.tokenLifetimeSeconds = lifetime;
  const faults = values.faults ?? env.EMULATOR_FAULTS;
  if (faults) options.faults = faultsOf(faults);
  if (values['deny-http-loopback']) options.allowHttpLoopbackStorage = false;
  if (values['log-requests'] || env.EMULATOR_LOG_REQUESTS === '1') options.logRequests = true;
  const webhooks =
    values['events-webhook'] ??
    (env.EMULATOR_EVENTS_WEBHOOK ? env.EMULATOR_EVENTS_WEBHOOK.split(',') : []);
  if (webhooks.length > 0) options.events = { webhookUrl: webhookUrlsOf(webhooks) };
  return options;
}
