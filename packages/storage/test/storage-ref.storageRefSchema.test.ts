import { z } from 'zod';
import { storageRefSchema } from '../src';

describe('storageRefSchema', () => {
  const jobSchema = z.object({ input: storageRefSchema, outputs: z.array(storageRefSchema) });

  it('accepts valid references and keeps them as strings', () => {
    const job = { input: 's3://photos/in.psd', outputs: ['dropbox:/out/a.png'] };
    expect(jobSchema.parse(job)).toEqual(job);
  });

  it('names the field path and the rule of a bad reference', () => {
    const result = jobSchema.safeParse({
      input: 's3://photos/in.psd',
      outputs: ['dropbox:/ok.png', 's3://photos/../escape.png'],
    });
    expect(result.success).toBe(false);
    const [issue] = result.error?.issues ?? [];
    expect(issue?.path).toEqual(['outputs', 1]);
    expect(issue?.message).toContain('dot_segment');
    expect(issue).toMatchObject({ code: 'custom', params: { rule: 'dot_segment', field: 'key' } });
  });

  it('refuses non-strings with zod’s own type issue', () => {
    const result = storageRefSchema.safeParse(42);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe('invalid_type');
  });
});
