/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment --
   replies are JSON documents that these tests read field by field */
import { guardAgainstLeaks } from '@darkroom/testing';
import { type Harness, startHarness } from './support/harness';
import { v2Validator } from './support/schemas';

guardAgainstLeaks();

describe('request validation and unknown jobs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('v1: 400 InputValidationError naming the field path', async () => {
    const reply = await h.post('/pie/psdService/renditionCreate', {
      inputs: [{ href: 'https://bucket.example/in.psd', storage: 'external' }],
      outputs: [{ href: 'https://bucket.example/out.jpg', storage: 'external', type: 'image/bmp' }],
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({
      type: 'InputValidationError',
      code: 400,
      title: expect.any(String),
    });
    expect(reply.body.details).toEqual([
      { name: 'outputs[0].type', reason: expect.stringContaining('invalid_value') },
    ]);
  });

  it('v1: hrefs must be https, except http on loopback hosts', async () => {
    const reply = await h.post('/sensei/cutout', {
      input: { href: 'http://bucket.example/in.jpg', storage: 'external' },
      output: { href: 'http://127.0.0.1:9/out.png', storage: 'external' },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.details).toEqual([
      { name: 'input.href', reason: expect.stringContaining('^https://') },
    ]);
  });

  it('refuses Creative Cloud storage, which the emulator cannot reach', async () => {
    const reply = await h.post('/lrService/autoTone', {
      inputs: { href: '/cloud-content/in.jpg', storage: 'adobe' },
      outputs: [
        { href: 'https://bucket.example/out.jpg', storage: 'external', type: 'image/jpeg' },
      ],
    });
    expect(reply.status).toBe(400);
    expect(reply.body.details[0].name).toBe('inputs.storage');
  });

  it('refuses http loopback hrefs when allowHttpLoopbackStorage is off', async () => {
    const strict = await startHarness({ allowHttpLoopbackStorage: false });
    try {
      const reply = await strict.post('/v2/create-composite', {
        image: { source: { url: 'http://127.0.0.1:9/in.psd' } },
        outputs: [
          { destination: { url: 'https://bucket.example/out.png' }, mediaType: 'image/png' },
        ],
      });
      expect(reply.status).toBe(400);
      expect(reply.body.errors).toEqual([
        { error_code: 'validation_error', message: expect.stringContaining('image.source.url') },
      ]);
    } finally {
      await strict.close();
    }
  });

  it('v2: 400 validation_error in the ErrorResponse shape', async () => {
    const reply = await h.post('/v2/create-composite', { outputs: [] });
    expect(reply.status).toBe(400);
    const validate = v2Validator('ErrorResponse');
    expect(validate(reply.body) ? [] : validate.errors).toEqual([]);
    expect(reply.body.error_code).toBe('validation_error');
    const messages = (reply.body.errors as Array<{ message: string }>)
      .map((e) => e.message)
      .join('\n');
    expect(messages).toContain('image');
    expect(messages).toContain('outputs');
  });

  it('answers invalid JSON in each generation’s shape', async () => {
    const v1 = await fetch(`${h.emulator.url}/pie/psdService/renditionCreate`, {
      method: 'POST',
      headers: h.headers,
      body: '{nope',
    });
    expect(v1.status).toBe(400);
    expect(await v1.json()).toMatchObject({ type: 'RequestBodyError', code: 400 });
    const v2 = await fetch(`${h.emulator.url}/v2/edit`, {
      method: 'POST',
      headers: h.headers,
      body: '{nope',
    });
    expect(await v2.json()).toMatchObject({ error_code: 'invalid_json' });
  });

  it('413 for bodies of 1 MB and more', async () => {
    const reply = await h.post('/v2/create-composite', { padding: 'x'.repeat(1024 * 1024) });
    expect([reply.status, reply.body.error_code]).toEqual([413, 'payload_too_large']);
  });

  it('404 for unknown job ids in each generation’s shape', async () => {
    const id = '0b4ce7d3-1111-4b8e-9a1d-000000000000';
    for (const path of ['/pie/psdService/status/', '/sensei/status/', '/lrService/status/']) {
      const reply = await h.get(`${path}${id}`);
      expect([reply.status, reply.body]).toEqual([
        404,
        { type: 'ResourceNotFound', title: 'Requested resource was not found', code: 404 },
      ]);
    }
    expect((await h.get('/pie/psdService/status/%E0%A4%A')).status).toBe(404);
    const v2 = await h.get(`/v2/status/${id}`);
    expect([v2.status, v2.body]).toEqual([
      404,
      { error_code: 'unknown_job_id', message: 'Job not found' },
    ]);
  });
});
