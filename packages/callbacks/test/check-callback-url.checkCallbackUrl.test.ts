import {
  addressRange,
  CallbackUrlError,
  checkCallbackUrl,
  type CallbackUrlOptions,
  type ResolveHost,
} from '../src';

async function refusal(url: string, options: CallbackUrlOptions = {}): Promise<CallbackUrlError> {
  try {
    await checkCallbackUrl(url, options);
  } catch (err) {
    if (err instanceof CallbackUrlError) return err;
    throw err;
  }
  throw new Error(`${url} was accepted`);
}

/** A resolver with fixed answers, standing in for a DNS zone the attacker controls. */
const zone =
  (answers: Record<string, string[]>): ResolveHost =>
  (host) => {
    const found = answers[host];
    if (!found)
      return Promise.reject(
        Object.assign(new Error(`queryA ENOTFOUND ${host}`), { code: 'ENOTFOUND' }),
      );
    return Promise.resolve(
      found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };

describe('checkCallbackUrl', () => {
  it.each([
    ['https://localhost/hooks', 'loopback'],
    ['https://127.0.0.1/hooks', 'loopback'],
    ['https://127.8.9.10/hooks', 'loopback'],
    ['https://2130706433/hooks', 'loopback'], // 127.0.0.1 spelled as one number
    ['https://[::1]/hooks', 'loopback'],
    ['https://[::ffff:127.0.0.1]/hooks', 'loopback'],
    ['https://10.1.2.3/hooks', 'private'],
    ['https://172.16.5.4/hooks', 'private'],
    ['https://192.168.1.1/hooks', 'private'],
    ['https://[fc00::1]/hooks', 'private'],
    ['https://[fd12:3456::1]/hooks', 'private'],
    ['https://169.254.169.254/latest/meta-data', 'link-local'],
    ['https://[::ffff:169.254.169.254]/latest/meta-data', 'link-local'],
    ['https://[fe80::1]/hooks', 'link-local'],
    ['https://100.64.0.1/hooks', 'shared'],
    ['https://0.0.0.0/hooks', 'unspecified'],
    ['https://[::]/hooks', 'unspecified'],
    ['https://224.0.0.1/hooks', 'multicast'],
    ['https://[ff02::1]/hooks', 'multicast'],
    ['https://255.255.255.255/hooks', 'broadcast'],
    ['https://[64:ff9b::10.0.0.1]/hooks', 'private'],
  ])('refuses %s (%s)', async (url, range) => {
    const err = await refusal(url);
    expect(err).toMatchObject({ field: 'callback.url', rule: 'public-address', range });
    expect(err.toJSON()).toEqual({
      field: 'callback.url',
      rule: 'public-address',
      message: err.message,
    });
  });

  it('refuses a name that resolves to loopback, or to any private address among public ones', async () => {
    const resolve = zone({
      'rebind.example.com': ['127.0.0.1'],
      'mixed.example.com': ['93.184.215.14', '10.0.0.7'],
      'mapped.example.com': ['::ffff:7f00:1'],
    });
    expect(await refusal('https://rebind.example.com/hooks', { resolve })).toMatchObject({
      rule: 'public-address',
      range: 'loopback',
    });
    expect((await refusal('https://mixed.example.com/hooks', { resolve })).range).toBe('private');
    expect((await refusal('https://mapped.example.com/hooks', { resolve })).range).toBe('loopback');
  });

  it('accepts a public address and returns the address the request must connect to', async () => {
    const resolve = zone({
      'app.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    });
    const checked = await checkCallbackUrl('https://app.example.com/hooks/darkroom?tenant=42', {
      resolve,
    });
    expect(checked.address).toEqual({ address: '93.184.215.14', family: 4 });
    expect(checked.target).toBe('https://app.example.com/hooks/darkroom');
    expect(checked.allowListed).toBe(false);
    expect((await checkCallbackUrl('https://[2606:4700::1111]/hooks')).address.family).toBe(6);
  });

  it('refuses http, user names and passwords, and hosts that do not resolve, naming the rule', async () => {
    const http = await refusal('http://app.example.com/hooks');
    expect(http.toJSON()).toMatchObject({ field: 'callback.url', rule: 'https' });
    const userinfo = await refusal('https://alice:hunter2@app.example.com/hooks');
    expect(userinfo.rule).toBe('userinfo');
    expect(userinfo.message).not.toContain('hunter2');
    expect((await refusal('not a url')).rule).toBe('url');
    const dns = await refusal('https://nowhere.example.com/hooks', { resolve: zone({}) });
    expect(dns).toMatchObject({ rule: 'dns' });
    expect(dns.message).toContain('ENOTFOUND');
  });

  it('lets allow-listed hosts through, over http too, pinned to the address they resolve to', async () => {
    const allow = ['127.0.0.1:4000', 'localhost'];
    const literal = await checkCallbackUrl('http://127.0.0.1:4000/hooks', { allow });
    expect(literal).toMatchObject({
      allowListed: true,
      address: { address: '127.0.0.1', family: 4 },
    });
    const named = await checkCallbackUrl('http://localhost:9999/hooks', { allow });
    expect(['127.0.0.1', '::1']).toContain(named.address.address);
    // host:port entries match that port only
    expect((await refusal('http://127.0.0.1:4001/hooks', { allow })).rule).toBe('https');
    expect((await refusal('https://127.0.0.1:4001/hooks', { allow })).rule).toBe('public-address');
  });
});

describe('addressRange', () => {
  it('leaves public addresses alone and reads every IPv6 spelling', () => {
    expect(addressRange('93.184.215.14')).toBeUndefined();
    expect(addressRange('2606:4700::1111')).toBeUndefined();
    expect(addressRange('::ffff:93.184.215.14')).toBeUndefined();
    expect(addressRange('0:0:0:0:0:ffff:7f00:0001')).toBe('loopback');
    expect(addressRange('fe80::1%eth0')).toBe('link-local');
    expect(addressRange('172.32.0.1')).toBeUndefined();
    expect(addressRange('100.128.0.1')).toBeUndefined();
    expect(addressRange('not-an-address')).toBe('reserved');
  });
});
