import { z } from 'zod';
import { presignableRefSchema } from '../src';

describe('presignableRefSchema', () => {
  const jobSchema = z.object({
    input: presignableRefSchema,
    outputs: z.array(presignableRefSchema),
  });

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
    const result = presignableRefSchema.safeParse(42);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe('invalid_type');
  });
});
