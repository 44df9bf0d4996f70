import { HostedFiles } from '../src/jobs/hosted-files';

describe('HostedFiles.get', () => {
  it('serves a file until its validity ends, then reports it expired, then forgets it', () => {
    const files = new HostedFiles();
    const live = files.put(Buffer.from('a'), 'text/plain', 60_000).slice('/hosted/'.length);
    const dead = files.put(Buffer.from('b'), 'text/plain', -1).slice('/hosted/'.length);
    expect(files.get(live)).toMatchObject({ contentType: 'text/plain' });
    expect(files.get(dead)).toBe('expired');
    files.sweep(0);
    expect(files.get(dead)).toBeUndefined();
    expect(files.get(live)).not.toBe('expired');
  });
});
