import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ConfigError } from '@darkroom/config';
import { guardAgainstLeaks } from '@darkroom/testing';
import { startLocalStack } from '../src';

guardAgainstLeaks();

/** A storage configuration the demo would use instead of s3rver; nothing is reached here. */
const configured = {
  DARKROOM_STORAGE: JSON.stringify({ s3: { default: { region: 'eu-west-1' } } }),
  DEMO_INPUTS: 's3://shop-assets/darkroom-demo/in',
  DEMO_OUTPUTS: 's3://shop-assets/darkroom-demo/out',
  DEMO_SCRATCH: 's3://shop-scratch/darkroom-demo',
};

/** What startLocalStack refused the environment with, before it started anything. */
async function refusal(env: Record<string, string | undefined>): Promise<ConfigError> {
  const error: unknown = await startLocalStack(env, join(tmpdir(), 'darkroom-demo-unused')).then(
    () => new Error('the stack started'),
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('startLocalStack with DARKROOM_STORAGE', () => {
  it('needs DEMO_SCRATCH beside DEMO_INPUTS and DEMO_OUTPUTS, naming each one missing', async () => {
    const error = await refusal({ ...configured, DEMO_SCRATCH: undefined, DEMO_OUTPUTS: '' });
    expect(error.issues.map((i) => i.variable)).toEqual(['DEMO_OUTPUTS', 'DEMO_SCRATCH']);
  });

  it('refuses a DARKROOM_STORAGE that is not JSON, naming the variable but not its value', async () => {
    const secret = 'wJalrXUtnFEMI-not-json';
    const error = await refusal({ ...configured, DARKROOM_STORAGE: `{"s3": ${secret}` });
    expect(error.issues).toEqual([
      { variable: 'DARKROOM_STORAGE', rule: 'DARKROOM_STORAGE must be JSON' },
    ]);
    expect(error.message).not.toContain(secret);
  });

  it.each([
    ['inside the outputs', { DEMO_SCRATCH: 's3://shop-assets/darkroom-demo/out/scratch' }],
    ['inside the inputs', { DEMO_SCRATCH: 's3://shop-assets/darkroom-demo/in/' }],
    ['holding the outputs', { DEMO_SCRATCH: 's3://shop-assets/darkroom-demo' }],
  ])('refuses a scratch prefix %s: runs delete what they leave there', async (_what, env) => {
    const error = await refusal({ ...configured, ...env });
    expect(error.issues.map((i) => i.variable)).toEqual(['DEMO_SCRATCH']);
    expect(error.issues[0]?.rule).toMatch(/apart from DEMO_INPUTS and DEMO_OUTPUTS/);
  });
});
