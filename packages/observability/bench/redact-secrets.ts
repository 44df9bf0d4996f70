/**
 * Cost of the last-line redaction every log line goes through, and of a whole logger call.
 * Prints lines per second; nothing is asserted.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { redactSecrets } from '@darkroom/core';
import { createLogger } from '../src';

const ORDINARY =
  '{"level":"info","time":"2026-11-29T06:00:00.000Z","name":"darkroom-worker","jobId":"1234","operation":"autoTone","account":"acct-a","attempt":1,"maxAttempts":4,"step":"poll","polls":3,"msg":"attempt 1 of 4: still running"}';
// A made-up signature, assembled at run time so no credential-shaped literal sits in the source.
const FAKE_SIGNATURE = '5f0e4b1c'.repeat(2);
const SECRET = `{"level":"warn","time":"2026-11-29T06:00:00.000Z","msg":"GET https://bucket.s3.amazonaws.com/in/cat.psd?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20260101&X-Amz-Signature=${FAKE_SIGNATURE} answered 403","headers":{"authorization":"Bearer eyJhbGciOiJSUzI1NiJ9.payload.sig"}}`;

function rate(label: string, iterations: number, fn: () => void): void {
  for (let i = 0; i < 1_000; i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const perSecond = Math.round(iterations / seconds);
  console.log(`${label.padEnd(44)} ${perSecond.toLocaleString('en-US')} lines/s`);
}

const sink = new Writable({ write: (_chunk, _enc, done) => done() });
const logger = createLogger({ destination: sink });
// The same lines through a pino logger with neither redaction layer, for comparison.
const plain = pino({ timestamp: pino.stdTimeFunctions.isoTime }, sink);

rate('redactSecrets, ordinary line', 200_000, () => redactSecrets(ORDINARY));
rate('redactSecrets, line with a presigned URL', 200_000, () => redactSecrets(SECRET));
rate('plain pino (no redaction), ordinary fields', 100_000, () =>
  plain.info({ jobId: '1234', operation: 'autoTone', polls: 3 }, 'still running'),
);
rate('logger.info, ordinary fields', 100_000, () =>
  logger.info({ jobId: '1234', operation: 'autoTone', polls: 3 }, 'still running'),
);
rate('logger.warn, presigned url field + token', 100_000, () =>
  logger.warn(
    { url: 'https://b.s3.amazonaws.com/k?X-Amz-Signature=abc', token: 'secret' },
    'input unreadable',
  ),
);
