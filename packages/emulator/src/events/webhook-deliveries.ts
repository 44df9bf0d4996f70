import { randomBytes } from 'node:crypto';
import { closeAll, closeOnce, coerceError, urlOriginAndPath } from '@darkroom/core';
import { type ResolvedEventOptions } from '../config/options';
import { FaultDelays } from '../faults/fault-delays';
import { type EventFaults, type FaultInjector } from '../faults/fault-injector';
import { TransferAgents } from '../jobs/transfer';
import { type Evidence } from '../stats/evidence';
import { type EmulatorMetrics } from '../stats/metrics';
import { countEventFault } from './event-fault-count';
import { PHOTOSHOP_EVENT_CODE, type PhotoshopJobEvent } from './event-payload';
import { type EventSigningKeys } from './signing-keys';
import { callWebhook } from './webhook-client';

export interface DeliveryDeps {
  options: ResolvedEventOptions;
  keys: EventSigningKeys;
  faults: FaultInjector;
  evidence: Evidence;
  metrics: EmulatorMetrics;
}

/** A challenge answer echoes the challenge, as plain text or as JSON `{"challenge": …}`. */
function echoes(text: string, challenge: string): boolean {
  if (text.trim() === challenge) return true;
  try {
    const json = JSON.parse(text) as unknown;
    return typeof json === 'object' && json !== null && 'challenge' in json
      ? json.challenge === challenge
      : false;
  } catch {
    return false;
  }
}

/**
 * Adobe I/O Events' pushes: each webhook is challenged once before its first delivery; each
 * event is POSTed, signed twice, to every webhook that passed, retried with exponential backoff
 * when it fails; the seeded faults delay, duplicate, reorder or mis-sign deliveries. Closing
 * ends every wait and request at once.
 */
export class WebhookDeliveries {
  private webhooks: string[];
  private readonly challenges = new Map<string, Promise<boolean>>();
  /** An event held back by the reorder fault, sent after the next one. */
  private held: (() => Promise<void>) | undefined;
  private readonly running = new Set<Promise<void>>();
  private readonly waits = new FaultDelays();
  private readonly abort = new AbortController();
  /** Connection pools to the webhooks, made at the first call, so a silent emulator has none. */
  private agents: TransferAgents | undefined;
  private closed = false;

  constructor(private readonly deps: DeliveryDeps) {
    this.webhooks = [...deps.options.webhookUrls];
  }

  /** Replaces the webhooks; each is challenged again before its next delivery. */
  setWebhooks(urls: readonly string[]): void {
    this.webhooks = [...urls];
    this.challenges.clear();
  }

  urls(): readonly string[] {
    return this.webhooks;
  }

  /** Sends one event to every webhook, as its faults say. */
  publish(event: PhotoshopJobEvent, faults: EventFaults): void {
    if (this.closed || this.webhooks.length === 0) return;
    const body = Buffer.from(JSON.stringify(event));
    const run = this.dispatch(event.event_id, body, faults)
      .catch((err: unknown) => {
        console.error(`emulator: event delivery failed: ${coerceError(err).message}`);
      })
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  private async dispatch(eventId: string, body: Buffer, faults: EventFaults): Promise<void> {
    const { evidence, metrics } = this.deps;
    if (faults.delayMs > 0) {
      countEventFault(evidence, metrics, 'delay');
      await this.sleep(faults.delayMs);
      if (this.closed) return;
    }
    if (faults.duplicate) countEventFault(evidence, metrics, 'duplicate');
    const send = () => this.sendToAll(eventId, body, faults.duplicate);
    if (faults.reorder && this.held === undefined) {
      countEventFault(evidence, metrics, 'reorder');
      this.held = send;
      return;
    }
    const held = this.held;
    this.held = undefined;
    await send();
    if (held && !this.closed) await held();
  }

  private async sendToAll(eventId: string, body: Buffer, duplicate: boolean): Promise<void> {
    await Promise.all(
      this.webhooks.map(async (url) => {
        if (!(await this.verified(url))) return;
        await this.deliver(url, eventId, body);
        if (duplicate) await this.deliver(url, eventId, body);
      }),
    );
  }

  /** One delivery: attempts until one is answered 2xx or `maxAttempts` have failed. */
  private async deliver(url: string, eventId: string, body: Buffer): Promise<void> {
    const { maxAttempts, retryBaseMs, retryMaxMs } = this.deps.options;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      if (this.closed || !this.webhooks.includes(url)) return;
      if (attempt > 1) this.deps.evidence.events.retries += 1;
      if (await this.attempt(url, eventId, body)) return;
      if (attempt === maxAttempts) {
        this.deps.evidence.events.abandoned += 1;
        return;
      }
      await this.sleep(Math.min(retryMaxMs, retryBaseMs * 2 ** (attempt - 1)));
    }
  }

  /** One POST; true when it was answered 2xx (or the emulator is closing: nothing to retry). */
  private async attempt(url: string, eventId: string, body: Buffer): Promise<boolean> {
    const { faults, keys, evidence, metrics, options } = this.deps;
    const corrupt = faults.badSignature();
    if (corrupt) countEventFault(evidence, metrics, 'badSignature');
    const signatures = await keys.sign(body, corrupt);
    if (this.closed) return true;
    evidence.events.deliveriesAttempted += 1;
    let ok: boolean;
    try {
      const { status } = await callWebhook(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-adobe-event-code': PHOTOSHOP_EVENT_CODE,
          'x-adobe-event-id': eventId,
          ...signatures,
        },
        body,
        timeoutMs: options.deliveryTimeoutMs,
        signal: this.abort.signal,
        agents: (this.agents ??= new TransferAgents()),
      });
      ok = status >= 200 && status < 300;
    } catch {
      ok = false;
    }
    if (this.closed) return true;
    if (ok) evidence.events.deliveriesSucceeded += 1;
    else evidence.events.deliveriesFailed += 1;
    metrics.eventDeliveries.inc({ outcome: ok ? 'succeeded' : 'failed' });
    return ok;
  }

  /** The webhook's challenge, sent once per registration and remembered. */
  private verified(url: string): Promise<boolean> {
    let check = this.challenges.get(url);
    if (!check) {
      check = this.challenge(url);
      this.challenges.set(url, check);
    }
    return check;
  }

  private async challenge(url: string): Promise<boolean> {
    const challenge = randomBytes(16).toString('hex');
    const target = `${url}${url.includes('?') ? '&' : '?'}challenge=${challenge}`;
    let ok = false;
    try {
      const { status, text } = await callWebhook(target, {
        method: 'GET',
        timeoutMs: this.deps.options.deliveryTimeoutMs,
        signal: this.abort.signal,
        agents: (this.agents ??= new TransferAgents()),
      });
      ok = status === 200 && echoes(text, challenge);
    } catch {
      ok = false;
    }
    if (this.closed) return false;
    const stats = this.deps.evidence.events;
    if (ok) stats.challengesPassed += 1;
    else {
      stats.challengesFailed += 1;
      stats.rejectedWebhooks.push(urlOriginAndPath(url));
    }
    return ok;
  }

  private async sleep(ms: number): Promise<void> {
    if (!this.closed) await this.waits.sleep(ms);
  }

  /** Ends every wait and request, drops a held event, then waits for the deliveries to stop. */
  readonly close = closeOnce(() => {
    this.closed = true;
    this.held = undefined;
    this.waits.wakeAll();
    this.abort.abort();
    return closeAll([
      () =>
        closeAll(
          [...this.running].map((run) => () => run),
          { concurrent: true },
        ),
      () => this.agents?.destroy(),
    ]);
  });
}
