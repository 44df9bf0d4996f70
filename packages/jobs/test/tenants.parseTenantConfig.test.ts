import { z } from 'zod';
import {
  DEFAULT_TENANT,
  NO_TENANT_CONFIG,
  TenantConfigError,
  parseTenantConfig,
  tenantLabel,
  tenantPolicy,
  tenantsEnv,
} from '../src';

function issuesOf(text: string): string[] {
  try {
    parseTenantConfig(text);
  } catch (err) {
    if (err instanceof TenantConfigError) return err.issues.map((i) => i.message);
    throw err;
  }
  throw new Error('expected a TenantConfigError');
}

describe('parseTenantConfig', () => {
  const config = parseTenantConfig(
    JSON.stringify({
      'shop-1': { weight: 3, maxInFlight: 20, maxPerDay: 5000 },
      'shop.2': {},
      '*': { weight: 2, maxPerDay: 100 },
    }),
  );

  it('gives a named tenant its own policy, with built-in defaults for what it leaves out', () => {
    expect(tenantPolicy(config, 'shop-1')).toEqual({ weight: 3, maxInFlight: 20, maxPerDay: 5000 });
    expect(tenantPolicy(config, 'shop.2')).toEqual({ weight: 1 });
  });

  it('gives every tenant not named, and edits without a tenant, the policy of *', () => {
    expect(tenantPolicy(config, 'walk-in')).toEqual({ weight: 2, maxPerDay: 100 });
    expect(tenantPolicy(config, undefined)).toEqual({ weight: 2, maxPerDay: 100 });
  });

  it('defaults to weight 1 and no quota without a configuration', () => {
    expect(tenantPolicy(NO_TENANT_CONFIG, 'anyone')).toEqual({ weight: 1 });
    expect(tenantPolicy(parseTenantConfig('{}'), undefined)).toEqual({ weight: 1 });
  });

  it('labels metrics by configured name, `default` for edits without a tenant, `other` else', () => {
    expect(tenantLabel(config, 'shop-1')).toBe('shop-1');
    expect(tenantLabel(config, undefined)).toBe(DEFAULT_TENANT);
    expect(tenantLabel(config, 'walk-in')).toBe('other');
    expect(tenantLabel(NO_TENANT_CONFIG, 'shop-1')).toBe('other');
  });

  it('refuses text that is not a JSON object', () => {
    expect(issuesOf('{weight: 3')).toEqual(['must be JSON']);
    expect(issuesOf('[1]')).toEqual(['must be a JSON object keyed by tenant name']);
    expect(() => parseTenantConfig('nope')).toThrow('DARKROOM_TENANTS: must be JSON');
  });

  it('names the tenant and the rule of every bad setting at once', () => {
    const text = JSON.stringify({
      'shop-1': { weight: 0 },
      'shop-2': { weight: 1001, maxInFlight: 1.5 },
      'shop-3': { maxPerDay: 0, callbackUrl: 'https://example.com' },
      'shop-4': 7,
      'bad name!': {},
      other: {},
    });
    expect(issuesOf(text)).toEqual([
      'weight must be from 1 to 1000',
      'weight must be from 1 to 1000',
      'maxInFlight must be a whole number',
      'maxPerDay must be at least 1',
      'unknown setting "callbackUrl" (weight, maxInFlight and maxPerDay are allowed)',
      'must be an object such as { "weight": 2, "maxPerDay": 1000 }',
      "tenant may hold letters, digits, '.', '_' and '-'",
      '"other" is the metric label of unnamed tenants',
    ]);
    expect(() => parseTenantConfig(text)).toThrow(
      /^DARKROOM_TENANTS: tenant "shop-1": weight must be from 1 to 1000; tenant "shop-2": /,
    );
  });

  it('refuses a tenant name longer than 64 characters', () => {
    const issues = issuesOf(JSON.stringify({ ['a'.repeat(65)]: {} }));
    expect(issues).toEqual(['tenant must be at most 64 characters']);
  });
});

describe('tenantsEnv (DARKROOM_TENANTS in every process)', () => {
  const schema = z.object({ DARKROOM_TENANTS: tenantsEnv });

  it('is the empty configuration when unset', () => {
    expect(schema.parse({}).DARKROOM_TENANTS).toBe(NO_TENANT_CONFIG);
  });

  it('parses the JSON', () => {
    const { DARKROOM_TENANTS } = schema.parse({
      DARKROOM_TENANTS: '{"shop-1":{"maxPerDay":10}}',
    });
    expect(tenantPolicy(DARKROOM_TENANTS, 'shop-1')).toEqual({ weight: 1, maxPerDay: 10 });
  });

  it('reports each problem as an issue of the variable naming the tenant', () => {
    const result = schema.safeParse({ DARKROOM_TENANTS: '{"shop-1":{"weight":-1},"*":[]}' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['DARKROOM_TENANTS', 'tenant "shop-1": weight must be from 1 to 1000'],
      [
        'DARKROOM_TENANTS',
        'tenant "*": must be an object such as { "weight": 2, "maxPerDay": 1000 }',
      ],
    ]);
  });
});
