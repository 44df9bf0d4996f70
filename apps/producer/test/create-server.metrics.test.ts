import request from 'supertest';
import { EditQueue } from '@darkroom/jobs';
import { PipelineMetrics, Registry } from '@darkroom/observability';
import { guardAgainstLeaks, redisUrl, uniqueName } from '@darkroom/testing';
import { createServer } from '../src';

guardAgainstLeaks();

describe('GET /metrics', () => {
  it('counts jobs enqueued by operation, not idempotent replays, without a token', async () => {
    const register = new Registry();
    const edits = new EditQueue({
      connection: redisUrl(),
      queueName: uniqueName('edits'),
      metrics: new PipelineMetrics({ register }),
    });
    try {
      const app = createServer({ edits, tokens: ['metrics-test-token'], register });
      const job = {
        operation: 'renditionCreate',
        input: 's3://darkroom-in/a.psd',
        outputs: [{ ref: 's3://darkroom-out/a.jpg', type: 'image/jpeg' }],
        idempotencyKey: uniqueName('key'),
      };
      for (let i = 0; i < 2; i++) {
        await request(app)
          .post('/v1/edits')
          .set('authorization', 'Bearer metrics-test-token')
          .send(job)
          .expect(i === 0 ? 201 : 200);
      }
      const res = await request(app).get('/metrics').expect(200);
      expect(res.text).toMatch(/^darkroom_jobs_enqueued_total\{operation="renditionCreate"\} 1$/m);
    } finally {
      await edits.queue.obliterate({ force: true });
      await edits.close();
    }
  });
});
