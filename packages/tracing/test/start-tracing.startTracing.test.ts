import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import { guardAgainstLeaks } from '@darkroom/testing';
import {
  bullmqTelemetry,
  isTracingActive,
  resolveTracingConfig,
  startTracing,
  traceCarrier,
  TracingConfigError,
  withSpan,
} from '../src';
import { startTestTracing } from '../src/testing';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver';

guardAgainstLeaks();

const PACKAGE = join(__dirname, '..');

/** Runs test/support/export-one-span.ts under tsx with only `env` (and PATH) set. */
function runProgram(env: Record<string, string>): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(
    join(PACKAGE, 'node_modules/.bin/tsx'),
    [join(__dirname, 'support/export-one-span.ts')],
    {
      cwd: PACKAGE,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

let receiver: OtlpReceiver;

beforeEach(async () => {
  receiver = await startOtlpReceiver();
});

afterEach(() => receiver.close());

describe('startTracing', () => {
  it.each([
    ['nothing is set', {}],
    ['OTEL_SDK_DISABLED=true', { OTEL_SDK_DISABLED: 'TRUE', OTEL_TRACES_EXPORTER: 'otlp' }],
    ['OTEL_TRACES_EXPORTER=none', { OTEL_TRACES_EXPORTER: 'none' }],
  ])('is off when %s: nothing registered, no spans, no exporter', async (_why, vars) => {
    const env: Record<string, string> = { ...vars };
    if (_why !== 'nothing is set') env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    const tracing = startTracing({ serviceName: 'darkroom-test', env });
    expect(tracing.enabled).toBe(false);
    expect(isTracingActive()).toBe(false);
    expect(bullmqTelemetry()).toBeUndefined();
    await withSpan('not-recorded', { a: 1 }, (span) => {
      expect(span.isRecording()).toBe(false);
      expect(traceCarrier()).toEqual({});
    });
    await tracing.shutdown();
    expect(receiver.requests).toEqual([]);
  });

  // In a program of its own: the OTLP exporter loads node:http with a dynamic import, which
  // Jest's module sandbox refuses; a child process runs the SDK as production does.
  it('exports spans over OTLP/HTTP under OTEL_SERVICE_NAME when an endpoint is set', async () => {
    const run = await runProgram({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'darkroom-renamed',
    });
    expect(run).toEqual({ code: 0, stdout: '{"enabled":true}' });
    expect(receiver.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/traces']);
    const body = receiver.requests[0]?.body ?? '';
    expect(body).toContain('exported-span');
    expect(body).toContain('darkroom-renamed');
    expect(body).toContain('renditionCreate');
    expect(body).toContain('https://a.example/s/1');
    expect(body).not.toContain('sig=');
  });

  it('exports nothing from a program whose OTEL_SDK_DISABLED is true', async () => {
    const run = await runProgram({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SDK_DISABLED: 'true',
    });
    expect(run).toEqual({ code: 0, stdout: '{"enabled":false}' });
    expect(receiver.requests).toEqual([]);
  });

  it('registers a provider in-process that shutdown removes again', async () => {
    const tracing = startTracing({
      serviceName: 'darkroom-test',
      // Spans are not ended here, so the exporter never sends.
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
    });
    expect(tracing.enabled).toBe(true);
    expect(isTracingActive()).toBe(true);
    expect(bullmqTelemetry()).toBeDefined();
    expect(trace.getTracer('x').startSpan('live').isRecording()).toBe(true);
    await tracing.shutdown();
    await tracing.shutdown();
    expect(isTracingActive()).toBe(false);
    expect(trace.getTracer('x').startSpan('after').isRecording()).toBe(false);
  });

  it('refuses to start while test tracing (or another start) holds the provider', async () => {
    const test = startTestTracing();
    try {
      expect(() =>
        startTracing({ serviceName: 'x', env: { OTEL_TRACES_EXPORTER: 'otlp' } }),
      ).toThrow(/already started by startTestTracing/);
    } finally {
      await test.stop();
    }
  });
});

describe('resolveTracingConfig', () => {
  it.each([
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, true],
    [{ OTEL_TRACES_EXPORTER: ' otlp , none ' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: '' }, false],
    [{ OTEL_SDK_DISABLED: 'false', OTEL_TRACES_EXPORTER: 'otlp' }, true],
    [{ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }, false],
    [{ OTEL_SERVICE_NAME: 'only-a-name' }, false],
  ])('%j → enabled %s', (env, enabled) => {
    expect(resolveTracingConfig('svc', env).enabled).toBe(enabled);
  });

  it('takes OTEL_SERVICE_NAME over the program’s name', () => {
    expect(resolveTracingConfig('svc', { OTEL_SERVICE_NAME: 'named' }).serviceName).toBe('named');
    expect(resolveTracingConfig('svc', {}).serviceName).toBe('svc');
  });

  it.each([
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, 'OTEL_TRACES_EXPORTER', /"otlp" or "none"/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT', /http/],
    [
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://collector/v1/traces' },
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
      /absolute http\(s\) URL/,
    ],
  ])('refuses %j with an error naming %s and the rule', (env, field, rule) => {
    let caught: unknown;
    try {
      resolveTracingConfig('svc', env);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TracingConfigError);
    expect(caught).toMatchObject({ field, rule: expect.stringMatching(rule) as string });
  });
});
