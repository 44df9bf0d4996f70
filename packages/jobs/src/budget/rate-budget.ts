import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Cluster, Redis } from 'ioredis';
import { BudgetInputError, BudgetWaitTimeoutError } from './budget-errors';
import {
  assertName,
  validatePolicies,
  type BudgetClass,
  type BudgetPolicies,
  type BudgetWindow,
} from './budget-policy';
import { PENALIZE_SCRIPT, STATE_SCRIPT, TAKE_SCRIPT } from './budget-scripts';
import { RedisScript } from '../redis-script';

/** Additive-increase / multiplicative-decrease tuning, applied per account+class. */
export interface RateBudgetAimdOptions {
  /**
   * A 429 multiplies the effective fraction of every limit of the class by this.
   * @defaultValue 0.5
   */
  decreaseFactor?: number;
  /**
   * Each epoch (the class's shortest window) that passes without a 429 adds this to the
   * fraction, up to 1: 0.05 climbs from 0.5 back to full rate in ten epochs (30 s for 3 s windows).
   * @defaultValue 0.05
   */
  increasePerWindow?: number;
  /**
   * The fraction never falls below this, so a storm of 429s slows a class but never stops it.
   * @defaultValue 0.1
   */
  minFraction?: number;
  /**
   * Length of an epoch in ms, for every class. Smoothing adds sub-windows of a fraction of a
   * second, and an epoch as short as those would undo a 429's cut before it could matter.
   * @defaultValue each class's shortest window
   */
  epochMs?: number;
}

export interface RateBudgetOptions {
  /**
   * A connection the budget borrows and never closes. May be a Cluster: both keys of one
   * account+class share a hash tag.
   */
  redis: Redis | Cluster;
  /**
   * Key prefix, e.g. `darkroom:budget`. If it holds a hash tag (`{darkroom}:budget`), every budget
   * key lands in that one slot; without one, each account+class gets its own slot.
   */
  prefix: string;
  /** Windows per class; every class a caller names must be here. */
  policies: BudgetPolicies;
  aimd?: RateBudgetAimdOptions;
  /**
   * Longest pause a single `penalize` may impose, whatever Retry-After said, so one odd reply
   * cannot stall the fleet for hours.
   * @defaultValue 900_000 (15 minutes)
   */
  maxPauseMs?: number;
  /**
   * How long `take()` waits when the caller gives no `maxWaitMs`.
   * @defaultValue 30_000
   */
  maxWaitMs?: number;
}

export type TryTakeResult =
  | { granted: true; /** Grant time on the Redis clock, ms since the epoch. */ at: number }
  | { granted: false; retryInMs: number; reason: 'window' | 'paused' };

export interface TakeOptions {
  /** Aborting rejects the wait with `signal.reason`. */
  signal?: AbortSignal;
  /**
   * Give up with a BudgetWaitTimeoutError once a token cannot be had within this long. It is
   * thrown as soon as the budget knows the next chance lies beyond the limit, not after sleeping.
   * @defaultValue the budget's `maxWaitMs`
   */
  maxWaitMs?: number;
}

export interface BudgetWindowState {
  limit: number;
  effectiveLimit: number;
  windowMs: number;
  /** Grants in the last `windowMs`. */
  used: number;
}

export interface BudgetState {
  effectiveFraction: number;
  /** End of the pause on the Redis clock (ms since the epoch), or null when not paused. */
  pausedUntil: number | null;
  /** Milliseconds the pause still lasts, measured on the Redis clock; 0 when not paused. */
  pausedForMs: number;
  windows: BudgetWindowState[];
}

interface ClassPlan {
  windows: BudgetWindow[];
  /** limit, windowMs pairs as the scripts read them. */
  windowArgs: number[];
  epochMs: number;
  longestMs: number;
}

const take = new RedisScript(TAKE_SCRIPT);
const penalize = new RedisScript(PENALIZE_SCRIPT);
const inspect = new RedisScript(STATE_SCRIPT);

function fraction(path: string, value: number, allowOne: boolean): number {
  if (!Number.isFinite(value) || value <= 0 || value > 1 || (!allowOne && value === 1)) {
    const range = allowOne ? 'above 0 and at most 1' : 'above 0 and below 1';
    throw new BudgetInputError(path, `must be a number ${range}`, String(value));
  }
  return value;
}

function nonNegative(path: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new BudgetInputError(
      path,
      'must be a finite number of milliseconds, 0 or more',
      String(value),
    );
  }
  return value;
}

/**
 * A rate budget shared by every process that points at the same Redis and prefix: per account
 * (Adobe credential) and class of call, several sliding windows at once, a fleet-wide pause after
 * a 429 and AIMD control of the effective rate. The algorithm is described in budget-scripts.ts.
 */
export class RateBudget {
  private readonly redis: Redis | Cluster;
  private readonly prefix: string;
  private readonly plans = new Map<BudgetClass, ClassPlan>();
  private readonly decreaseFactor: number;
  private readonly increasePerWindow: number;
  private readonly minFraction: number;
  private readonly maxPauseMs: number;
  private readonly maxWaitMs: number;

  constructor(options: RateBudgetOptions) {
    if (typeof options.prefix !== 'string' || !/^\S{1,200}$/.test(options.prefix)) {
      throw new BudgetInputError('prefix', 'must be 1 to 200 characters without whitespace');
    }
    this.redis = options.redis;
    this.prefix = options.prefix;
    for (const [cls, policy] of Object.entries(validatePolicies(options.policies))) {
      const windows = policy.windows.map(({ limit, windowMs }) => ({ limit, windowMs }));
      const spans = windows.map((w) => w.windowMs);
      this.plans.set(cls, {
        windows,
        windowArgs: windows.flatMap((w) => [w.limit, w.windowMs]),
        epochMs: options.aimd?.epochMs ?? Math.min(...spans),
        longestMs: Math.max(...spans),
      });
    }
    const aimd = options.aimd ?? {};
    this.decreaseFactor = fraction('aimd.decreaseFactor', aimd.decreaseFactor ?? 0.5, true);
    this.increasePerWindow = fraction(
      'aimd.increasePerWindow',
      aimd.increasePerWindow ?? 0.05,
      true,
    );
    this.minFraction = fraction('aimd.minFraction', aimd.minFraction ?? 0.1, true);
    this.maxPauseMs = nonNegative('maxPauseMs', options.maxPauseMs ?? 900_000);
    this.maxWaitMs = nonNegative('maxWaitMs', options.maxWaitMs ?? 30_000);
  }

  /** Atomically takes one token if every window has room and the class is not paused. */
  async tryTake(account: string, cls: BudgetClass): Promise<TryTakeResult> {
    const plan = this.plan(cls);
    const reply = (await take.run(this.redis, this.keys(account, cls), [
      randomBytes(6).toString('hex'),
      plan.epochMs,
      this.increasePerWindow,
      plan.windows.length,
      ...plan.windowArgs,
    ])) as [1, string] | [0, 'window' | 'paused', number];
    if (reply[0] === 1) return { granted: true, at: Number(reply[1]) };
    return { granted: false, reason: reply[1], retryInMs: reply[2] };
  }

  /**
   * Waits until a token is granted and returns how long that took and the grant time (Redis clock). Waiters poll Redis when the
   * budget says room opens (plus a little jitter so a crowd does not wake at once); there is no
   * queue, so under contention the order of grants is not first-come-first-served.
   */
  async take(
    account: string,
    cls: BudgetClass,
    options: TakeOptions = {},
  ): Promise<{ waitedMs: number; at: number }> {
    const { signal } = options;
    const maxWaitMs = nonNegative('maxWaitMs', options.maxWaitMs ?? this.maxWaitMs);
    const started = performance.now();
    for (;;) {
      signal?.throwIfAborted();
      const result = await this.tryTake(account, cls);
      const waitedMs = Math.round(performance.now() - started);
      if (result.granted) return { waitedMs, at: result.at };
      if (waitedMs + result.retryInMs > maxWaitMs) {
        throw new BudgetWaitTimeoutError(account, cls, waitedMs, result.retryInMs, result.reason);
      }
      const jitter = Math.floor(Math.random() * Math.min(20, result.retryInMs / 4 + 1));
      await sleep(result.retryInMs + jitter, signal);
    }
  }

  /**
   * Records a 429 fleet-wide: pauses the account+class until now + retryAfterMs (never shortening
   * a longer pause) and, at most once per epoch and not for 429s that arrive during the pause they
   * caused, multiplies the effective rate by `decreaseFactor`.
   * @returns whether this call lowered the rate, the new fraction and the end of the pause (Redis clock).
   */
  async penalize(
    account: string,
    cls: BudgetClass,
    retryAfterMs: number,
  ): Promise<{ decreased: boolean; effectiveFraction: number; pausedUntil: number }> {
    const plan = this.plan(cls);
    const pauseMs = Math.min(nonNegative('retryAfterMs', retryAfterMs), this.maxPauseMs);
    const reply = (await penalize.run(this.redis, this.keys(account, cls), [
      Math.ceil(pauseMs),
      plan.epochMs,
      this.increasePerWindow,
      this.decreaseFactor,
      this.minFraction,
      plan.longestMs,
    ])) as [0 | 1, string, string];
    return {
      decreased: reply[0] === 1,
      effectiveFraction: Number(reply[1]),
      pausedUntil: Number(reply[2]),
    };
  }

  /** Current effective limits and usage of an account+class, for metrics and `darkroom watch`. */
  async state(account: string, cls: BudgetClass): Promise<BudgetState> {
    const plan = this.plan(cls);
    const reply = (await inspect.run(this.redis, this.keys(account, cls), [
      plan.epochMs,
      this.increasePerWindow,
      plan.windows.length,
      ...plan.windowArgs,
    ])) as [string, string, string, ...number[]];
    const [now, effectiveFraction, pausedUntil, ...perWindow] = reply;
    const paused = pausedUntil === '' ? null : Number(pausedUntil);
    return {
      effectiveFraction: Number(effectiveFraction),
      pausedUntil: paused,
      pausedForMs: paused === null ? 0 : Math.ceil(paused - Number(now)),
      windows: plan.windows.map((w, i) => ({
        limit: w.limit,
        windowMs: w.windowMs,
        effectiveLimit: perWindow[2 * i] ?? w.limit,
        used: perWindow[2 * i + 1] ?? 0,
      })),
    };
  }

  /** The classes this budget knows, for metrics that iterate over them. */
  get classes(): BudgetClass[] {
    return [...this.plans.keys()];
  }

  private plan(cls: BudgetClass): ClassPlan {
    const plan = this.plans.get(cls);
    if (plan === undefined) {
      assertName('cls', cls);
      throw new BudgetInputError(
        'cls',
        `must be one of the configured classes: ${this.classes.join(', ')}`,
      );
    }
    return plan;
  }

  /** Both keys carry the same `{account:class}` tag; assertName keeps braces and colons out of it. */
  private keys(account: string, cls: BudgetClass): [string, string] {
    assertName('account', account);
    const base = `${this.prefix}:{${account}:${cls}}`;
    return [`${base}:log`, `${base}:aimd`];
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    // An already-fired signal never dispatches 'abort' again, so check it first.
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
