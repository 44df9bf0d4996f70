import { redactUrlPasswords } from '../src';

describe('redactUrlPasswords', () => {
  it('replaces the password of every URL in the text', () => {
    expect(redactUrlPasswords('redis://user:hunter2@redis:6379')).toBe(
      'redis://user:[redacted]@redis:6379',
    );
    expect(redactUrlPasswords('rediss://:pw1@a:6380,redis://default:pw2@b:6379/0')).toBe(
      'rediss://:[redacted]@a:6380,redis://default:[redacted]@b:6379/0',
    );
  });

  it('leaves everything else as configured', () => {
    for (const text of [
      'redis://redis:6379',
      'redis://onlyuser@redis:6379',
      'https://b.s3.amazonaws.com/k?X-Amz-Signature=abc',
      'plain value',
    ]) {
      expect(redactUrlPasswords(text)).toBe(text);
    }
  });
});
