import request from 'supertest';
import { EditQueue } from '@darkroom/jobs';
import { createLogger, PipelineMetrics, Registry } from '@darkroom/observability';
import { guardAgainstLeaks, redisUrl, uniqueName } from '@darkroom/testing';
import { createServer, startProducer } from '../src';
import { dropQueueKeys } from './support/drop-queue-keys';

guardAgainstLeaks();

const TOKEN = 'metrics-test-token';
const job = (idempotencyKey: string) => ({
  operation: 'v2.createComposite',
  input: 's3://darkroom-in/a.psd',
  outputs: [{ ref: 's3://darkroom-out/a.jpg', mediaType: 'image/jpeg' }],
  idempotencyKey,
});
const quiet = createLogger({ level: 'silent' });

/** The value of one sample of the exposition text, or undefined when absent. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('HTTP request metrics of createServer', () => {
  let edits: EditQueue;
  const register = new Registry();
  beforeAll(() => {
    edits = new EditQueue({
      connection: redisUrl(),
      queueName: uniqueName('edits'),
      metrics: new PipelineMetrics({ register }),
    });
  });
  afterAll(async () => {
    await edits.queue.obliterate({ force: true });
    await edits.close();
  });

  it('counts requests by route pattern, method and status, never by raw path', async () => {
    const app = createServer({ edits, tokens: [TOKEN], register, logger: quiet });
    const key = uniqueName('key');
    await request(app).post('/v1/edits').set('authorization', `Bearer ${TOKEN}`).send(job(key));
    await request(app).post('/v1/edits').set('authorization', `Bearer ${TOKEN}`).send(job(key));
    for (const id of [uniqueName('a'), uniqueName('b')]) {
      await request(app).get(`/v1/edits/${id}`).set('authorization', `Bearer ${TOKEN}`).expect(404);
    }
    await request(app).post('/v1/edits:batch').set('authorization', `Bearer ${TOKEN}`).send({});
    await request(app).get('/no/such/path').set('authorization', `Bearer ${TOKEN}`).expect(404);
    await request(app).get('/v1/usage').expect(401);

    const text = await register.metrics();
    const count = (labels: string) => sample(text, 'darkroom_http_requests_total', labels);
    expect(count('route="/v1/edits",method="POST",status="201"')).toBe(1);
    expect(count('route="/v1/edits",method="POST",status="200"')).toBe(1);
    expect(count('route="/v1/edits/:id",method="GET",status="404"')).toBe(2);
    expect(count('route="/v1/edits:batch",method="POST",status="400"')).toBe(1);
    expect(count('route="unmatched",method="GET",status="404"')).toBe(1);
    expect(count('route="unmatched",method="GET",status="401"')).toBe(1);
    expect(
      sample(
        text,
        'darkroom_http_request_duration_seconds_count',
        'route="/v1/edits/:id",method="GET"',
      ),
    ).toBe(2);
    // No id and no raw path ever becomes a label value.
    expect(text).not.toMatch(/route="[^"]*(no\/such|[0-9a-f]{8}-)/);
    // The public API port serves no /metrics of its own.
    expect((await request(app).get('/metrics')).status).toBe(401);
  });
});

describe('startProducer /metrics', () => {
  it('is served on PRODUCER_METRICS_PORT without a token, and not on the API port', async () => {
    const queueName = uniqueName('metrics');
    const producer = await startProducer({
      PRODUCER_HOST: '127.0.0.1',
      PRODUCER_PORT: '0',
      PRODUCER_METRICS_PORT: '0',
      PRODUCER_TOKENS: TOKEN,
      REDIS_URL: redisUrl(),
      DARKROOM_QUEUE: queueName,
      LOG_LEVEL: 'silent',
    });
    try {
      expect(producer.metricsPort).not.toBe(producer.port);
      const api = `http://127.0.0.1:${producer.port}`;
      const first = await fetch(`${api}/v1/edits`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(job(uniqueName('key'))),
      });
      expect(first.status).toBe(201);
      expect((await fetch(`${api}/metrics`)).status).toBe(401);

      const scraped = await fetch(`http://127.0.0.1:${producer.metricsPort}/metrics`);
      expect(scraped.status).toBe(200);
      const text = await scraped.text();
      expect(text).toMatch(/^darkroom_jobs_enqueued_total\{operation="v2.createComposite"\} 1$/m);
      expect(
        sample(
          text,
          'darkroom_http_requests_total',
          'route="/v1/edits",method="POST",status="201"',
        ),
      ).toBe(1);
      expect((await fetch(`http://127.0.0.1:${producer.metricsPort}/v1/edits`)).status).toBe(404);
    } finally {
      await producer.close();
      await dropQueueKeys(queueName);
    }
  });
});
