import { hostname } from 'node:os';
import { coerceError } from '@darkroom/core';
import {
  assessRedisSettings,
  createProducerConnection,
  readRedisSettings,
  type RedisFindingSeverity,
} from '@darkroom/jobs';
import { redactSecrets } from '@darkroom/observability';
import { createAccountClient, type AccountConfig } from '@darkroom/photoshop';
import { StorageRegistry, parseRef, type StorageConfig } from '@darkroom/storage';
import type { CliConfig } from './cli-config';
import type { CommandContext } from './command-context';
import { EXIT } from './exit-codes';
import { parseCommandArgs } from './parse-command-args';
import { REDIS_ALWAYS } from './talks-to';
import { UsageError } from './usage-error';

export const DOCTOR_HELP = `darkroom doctor [--probe <ref>]... [--timeout <ms>] [--json]

Checks what the worker needs, with the worker's environment variables:
  redis     reachable, version, maxmemory-policy noeviction, persistence (AOF or RDB)
  storage   each configured storage: presign a write, upload a probe object, stat it, read it back
  adobe     each account: an IMS token, and hello() answered by the Photoshop API
  clock     skew between this machine, Redis TIME and the API's Date header (warns over 30 s)
  --probe <ref>     an object to write and read back (repeatable; also DARKROOM_DOCTOR_PROBES).
                    Buckets listed under s3.buckets and Dropbox get a probe of their own; an
                    s3.default target or an Azure account needs one given here.
  --timeout <ms>    per network check (default 10000)
${REDIS_ALWAYS}
Exit code: 0 all good (warnings allowed), 1 a check failed, 3 Redis unreachable.`;

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface DoctorCheck {
  /** `redis`, `redis.policy`, `storage:s3://bucket/key`, `adobe:default`, `clock.redis`, … */
  name: string;
  status: CheckStatus;
  detail: string;
}

export interface DoctorReport {
  ok: boolean;
  checks: DoctorCheck[];
}

const SKEW_WARN_MS = 30_000;
const PROBE_KEY = '.darkroom-doctor/probe.txt';

/** A Redis finding the worker would refuse to start on is a failed check. */
const STATUS: Record<RedisFindingSeverity, CheckStatus> = { ok: 'ok', warn: 'warn', error: 'fail' };

/** Error text safe to print: no URL query strings or tokens. */
const describe = (err: unknown): string => redactSecrets(coerceError(err).message);

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function checkRedis(config: CliConfig, checks: DoctorCheck[]): Promise<boolean> {
  const redis = createProducerConnection(config.redis, {
    lazyConnect: true,
    retryStrategy: () => null,
  });
  try {
    try {
      await redis.connect();
    } catch {
      checks.push({
        name: 'redis',
        status: 'fail',
        detail: `Redis is unreachable at ${config.redisTarget}: start Redis or set REDIS_URL`,
      });
      return false;
    }
    const settings = await readRedisSettings(redis);
    checks.push({
      name: 'redis',
      status: 'ok',
      detail: `reachable at ${config.redisTarget}, Redis ${settings.version}`,
    });
    // The worker's own rules: what refuses a worker fails here, what it warns about warns here.
    for (const finding of assessRedisSettings(settings)) {
      checks.push({
        name: finding.name,
        status: STATUS[finding.severity],
        detail: finding.message,
      });
    }
    const before = Date.now();
    const [seconds, micros] = await redis.time();
    const after = Date.now();
    const redisMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    checks.push(skewCheck('clock.redis', 'Redis TIME', redisMs - (before + after) / 2));
    return true;
  } finally {
    redis.disconnect();
  }
}

function skewCheck(name: string, what: string, skewMs: number): DoctorCheck {
  const seconds = (skewMs / 1000).toFixed(1);
  return Math.abs(skewMs) > SKEW_WARN_MS
    ? {
        name,
        status: 'warn',
        detail: `${what} is ${seconds} s off this machine's clock: presigned URLs and deadlines drift; sync clocks (NTP)`,
      }
    : {
        name,
        status: 'ok',
        detail: `${what} within ${Math.abs(skewMs / 1000).toFixed(1)} s of this machine`,
      };
}

/** The references to probe: given ones, plus one per named S3 bucket and one for Dropbox. */
function probeRefs(storage: StorageConfig, given: string[], checks: DoctorCheck[]): string[] {
  const refs = [...given];
  const covered = (pred: (ref: string) => boolean) => refs.some(pred);
  for (const bucket of Object.keys(storage.s3?.buckets ?? {})) {
    if (!covered((r) => r.startsWith(`s3://${bucket}/`))) refs.push(`s3://${bucket}/${PROBE_KEY}`);
  }
  if (storage.dropbox && !covered((r) => r.startsWith('dropbox:')))
    refs.push(`dropbox:/${PROBE_KEY}`);
  if (
    storage.s3?.default &&
    !covered((r) => {
      if (!r.startsWith('s3://')) return false;
      const bucket = r.slice(5).split('/')[0] ?? '';
      return !Object.hasOwn(storage.s3?.buckets ?? {}, bucket);
    })
  ) {
    checks.push({
      name: 'storage:s3.default',
      status: 'warn',
      detail: 'not probed: pass --probe s3://<bucket>/<key> for a bucket it serves',
    });
  }
  for (const account of Object.keys(storage.azure?.accounts ?? {})) {
    if (!covered((r) => r.startsWith(`azure://${account}/`))) {
      checks.push({
        name: `storage:azure.${account}`,
        status: 'warn',
        detail: `not probed: pass --probe azure://${account}/<container>/<blob>`,
      });
    }
  }
  return refs;
}

async function probeStorage(
  registry: StorageRegistry,
  ref: string,
  timeoutMs: number,
): Promise<DoctorCheck> {
  const name = `storage:${ref}`;
  const body = `darkroom doctor probe from ${hostname()} at ${new Date().toISOString()}\n`;
  const step = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await withTimeout(run(), timeoutMs, what);
    } catch (err) {
      throw new Error(`${what}: ${describe(err)}`);
    }
  };
  try {
    await step('upload', () => registry.upload(ref, body, 'text/plain'));
    const stat = await step('stat', () => registry.stat(ref));
    if (!stat.exists) throw new Error('stat: the uploaded probe is not there');
    const got = await step('read back', () => registry.download(ref));
    if (got.toString('utf8') !== body) throw new Error('read back: the probe came back different');
    return {
      name,
      status: 'ok',
      detail: `presigned, wrote, stat (${stat.size ?? '?'} bytes) and read back`,
    };
  } catch (err) {
    return { name, status: 'fail', detail: describe(err) };
  }
}

async function checkAccount(
  name: string,
  account: AccountConfig,
  timeoutMs: number,
): Promise<DoctorCheck[]> {
  // No retries: the doctor reports what one request gets, within its own timeout.
  const { client, auth } = createAccountClient(account, {
    timeoutMs,
    imsTimeoutMs: timeoutMs,
    retry: { retries: 0 },
  });
  try {
    await auth.getToken();
  } catch (err) {
    return [
      {
        name: `adobe:${name}`,
        status: 'fail',
        detail: `no IMS token from ${new URL(account.imsUrl).host}: ${describe(err)}`,
      },
    ];
  }
  const checks: DoctorCheck[] = [];
  try {
    await client.hello();
    checks.push({
      name: `adobe:${name}`,
      status: 'ok',
      detail: `IMS token issued; ${new URL(account.v1BaseUrl).host} answered hello`,
    });
  } catch (err) {
    checks.push({
      name: `adobe:${name}`,
      status: 'fail',
      detail: `IMS token issued, but hello failed: ${describe(err)}`,
    });
  }
  // The API's Date header, read with a plain request: the client does not expose reply headers.
  try {
    const before = Date.now();
    const res = await fetch(new URL('/pie/psdService/hello', account.v1BaseUrl), {
      headers: { authorization: `Bearer ${await auth.getToken()}`, 'x-api-key': account.clientId },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const after = Date.now();
    await res.arrayBuffer();
    const date = Date.parse(res.headers.get('date') ?? '');
    if (Number.isFinite(date)) {
      // Date has whole seconds: compare with the midpoint and allow the truncation.
      checks.push(
        skewCheck(`clock.adobe:${name}`, 'the API clock', date + 500 - (before + after) / 2),
      );
    } else {
      checks.push({
        name: `clock.adobe:${name}`,
        status: 'warn',
        detail: 'the API sent no Date header',
      });
    }
  } catch (err) {
    checks.push({
      name: `clock.adobe:${name}`,
      status: 'warn',
      detail: `could not read the API clock: ${describe(err)}`,
    });
  }
  return checks;
}

/** Runs every check; never throws for a failed check, only reports it. */
export async function runDoctor(
  config: CliConfig,
  options: { probes: string[]; timeoutMs: number },
): Promise<DoctorReport & { redisReachable: boolean }> {
  const checks: DoctorCheck[] = [];
  const redisReachable = await checkRedis(config, checks);

  if (!config.storage) {
    checks.push({
      name: 'storage',
      status: 'fail',
      detail: 'no storage configured: set DARKROOM_STORAGE (JSON: { s3, azure, dropbox })',
    });
  } else {
    const registry = new StorageRegistry(config.storage);
    try {
      for (const ref of probeRefs(config.storage, options.probes, checks)) {
        checks.push(await probeStorage(registry, ref, options.timeoutMs));
      }
    } finally {
      await registry.close().catch(() => undefined);
    }
  }

  const accounts = Object.entries(config.accounts);
  if (accounts.length === 0) {
    checks.push({
      name: 'adobe',
      status: 'fail',
      detail:
        'no Adobe account configured: set ADOBE_CLIENT_ID and ADOBE_CLIENT_SECRET, or ADOBE_ACCOUNTS',
    });
  }
  for (const [name, account] of accounts)
    checks.push(...(await checkAccount(name, account, options.timeoutMs)));

  return { ok: checks.every((c) => c.status !== 'fail'), checks, redisReachable };
}

const MARK: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };

export async function doctorCommand({ argv, out, config }: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('doctor', argv, {
    probe: { type: 'string', multiple: true },
    timeout: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError('darkroom doctor takes no arguments');
  const timeoutMs = Number(values.timeout ?? 10_000);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100)
    throw new UsageError('--timeout takes milliseconds, at least 100');
  const probes = [...config.probes, ...(values.probe ?? [])];
  for (const probe of probes) {
    try {
      parseRef(probe);
    } catch (err) {
      throw new UsageError(`--probe ${probe}: ${describe(err)}`);
    }
  }
  const { redisReachable, ...report } = await runDoctor(config, { probes, timeoutMs });
  out.result(report, (r) => [
    ...r.checks.map((c) => `${MARK[c.status]}  ${c.name.padEnd(24)} ${c.detail}`),
    r.ok ? 'all checks passed' : 'some checks failed',
  ]);
  if (!redisReachable) return EXIT.unreachable;
  return report.ok ? EXIT.ok : EXIT.failed;
}
