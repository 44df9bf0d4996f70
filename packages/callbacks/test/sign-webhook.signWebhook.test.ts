import { createHmac } from 'node:crypto';
import {
  CallbackInputError,
  generateSecret,
  parseSecrets,
  signWebhook,
  verifyWebhook,
  WebhookVerificationError,
} from '../src';

const body = JSON.stringify({
  type: 'edit.completed',
  timestamp: '2025-01-01T00:00:00.000Z',
  data: { outputs: [] },
});
const now = Date.UTC(2025, 0, 1);
const timestamp = Math.floor(now / 1000);

function refusal(run: () => unknown): WebhookVerificationError {
  try {
    run();
  } catch (err) {
    if (err instanceof WebhookVerificationError) return err;
    throw err;
  }
  throw new Error('the webhook was accepted');
}

describe('signWebhook and verifyWebhook', () => {
  it('signs id.timestamp.body with HMAC-SHA256 under the base64-decoded key, as the spec says', () => {
    const key = Buffer.alloc(32, 7);
    const secret = `whsec_${key.toString('base64')}`;
    const headers = signWebhook({ id: 'msg_1', timestamp, body, secrets: [secret] });
    const expected = createHmac('sha256', key)
      .update(`msg_1.${timestamp}.${body}`)
      .digest('base64');
    expect(headers).toEqual({
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': `v1,${expected}`,
    });
  });

  it('round-trips: what it signs, verifyWebhook accepts and names', () => {
    const secrets = [generateSecret()];
    const headers = signWebhook({ id: 'msg_2', timestamp, body, secrets });
    expect(verifyWebhook({ headers, body, secrets, now })).toEqual({ id: 'msg_2', timestamp });
    expect(
      verifyWebhook({ headers: new Headers({ ...headers }), body: Buffer.from(body), secrets, now })
        .id,
    ).toBe('msg_2');
  });

  it('signs with every active secret during a rotation, and either one verifies', () => {
    const [oldSecret, newSecret] = [generateSecret(), generateSecret()];
    const headers = signWebhook({ id: 'msg_3', timestamp, body, secrets: [newSecret, oldSecret] });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(headers['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/);
    expect(verifyWebhook({ headers, body, secrets: [oldSecret], now }).id).toBe('msg_3');
    expect(verifyWebhook({ headers, body, secrets: [newSecret], now }).id).toBe('msg_3');
    expect(
      refusal(() => verifyWebhook({ headers, body, secrets: [generateSecret()], now })).reason,
    ).toBe('no-matching-signature');
  });

  it('refuses a tampered body, id or timestamp', () => {
    const secrets = [generateSecret()];
    const headers = signWebhook({ id: 'msg_4', timestamp, body, secrets });
    const tampered = body.replace('edit.completed', 'edit.failed');
    expect(refusal(() => verifyWebhook({ headers, body: tampered, secrets, now })).reason).toBe(
      'no-matching-signature',
    );
    const otherId = { ...headers, 'webhook-id': 'msg_5' };
    expect(refusal(() => verifyWebhook({ headers: otherId, body, secrets, now })).reason).toBe(
      'no-matching-signature',
    );
    const moved = { ...headers, 'webhook-timestamp': String(timestamp + 1) };
    expect(refusal(() => verifyWebhook({ headers: moved, body, secrets, now })).reason).toBe(
      'no-matching-signature',
    );
  });

  it('refuses timestamps outside the tolerance, either way, and missing headers', () => {
    const secrets = [generateSecret()];
    const headers = signWebhook({ id: 'msg_6', timestamp, body, secrets });
    const later = now + 301_000;
    expect(refusal(() => verifyWebhook({ headers, body, secrets, now: later })).reason).toBe(
      'timestamp-too-old',
    );
    expect(verifyWebhook({ headers, body, secrets, now: later, toleranceSeconds: 600 }).id).toBe(
      'msg_6',
    );
    expect(
      refusal(() => verifyWebhook({ headers, body, secrets, now: now - 301_000 })).reason,
    ).toBe('timestamp-too-new');
    const { 'webhook-signature': _dropped, ...unsigned } = headers;
    expect(refusal(() => verifyWebhook({ headers: unsigned, body, secrets, now })).reason).toBe(
      'missing-header',
    );
    const garbled = { ...headers, 'webhook-timestamp': '17e8' };
    expect(refusal(() => verifyWebhook({ headers: garbled, body, secrets, now })).reason).toBe(
      'invalid-timestamp',
    );
  });
});

describe('parseSecrets and generateSecret', () => {
  function inputError(run: () => unknown): CallbackInputError {
    try {
      run();
    } catch (err) {
      if (err instanceof CallbackInputError) return err;
      throw err;
    }
    throw new Error('the secrets were accepted');
  }

  it('reads secrets separated by commas or spaces', () => {
    const [a, b, c] = [generateSecret(), generateSecret(24), generateSecret(64)];
    expect(parseSecrets(`${a}, ${b}\n${c}`)).toEqual([a, b, c]);
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
  });

  it('names the secret and the rule it breaks, never the secret itself', () => {
    const good = generateSecret();
    const missingPrefix = inputError(() =>
      parseSecrets(`${good},c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0`),
    );
    expect(missingPrefix.toJSON()).toEqual({
      field: 'secrets[1]',
      rule: 'whsec-prefix',
      message: 'secrets[1] must start with "whsec_"',
    });
    expect(inputError(() => parseSecrets('whsec_not*base64')).rule).toBe('base64');
    const short = inputError(() => parseSecrets(`whsec_${Buffer.alloc(8).toString('base64')}`));
    expect(short).toMatchObject({ field: 'secrets[0]', rule: 'key-length' });
    expect(inputError(() => parseSecrets(' , ')).rule).toBe('not-empty');
    expect(missingPrefix.message).not.toContain('c2VjcmV0');
  });
});
