/**
 * Accounting of the `tenants` scenario: which tenant an Adobe job belongs to, and how each
 * tenant's share of the submits compares with its weight.
 */

/** The storage folder of a tenant's edits: inputs are `…/tenant-<name>/<index>.psd`. */
export function tenantFolder(tenant: string): string {
  return `tenant-${tenant}`;
}

const INPUT_PATH = /\/tenant-([A-Za-z0-9._-]+)\/(\d+)\.psd$/;

/** The tenant and index of an edit from its input location (query already removed). */
export function editOfInput(
  input: string | undefined,
): { tenant: string; index: number } | undefined {
  const match = input === undefined ? null : INPUT_PATH.exec(input);
  if (!match) return undefined;
  return { tenant: match[1]!, index: Number(match[2]) };
}

/** Each of `tenants`' share of their submits together, in %; NaN for all when none submitted. */
export function sharesPct(
  counts: Readonly<Record<string, number>>,
  tenants: readonly string[],
): Record<string, number> {
  const total = tenants.reduce((sum, t) => sum + (counts[t] ?? 0), 0);
  return Object.fromEntries(
    tenants.map((t) => [t, total > 0 ? ((counts[t] ?? 0) / total) * 100 : Number.NaN]),
  );
}

/** What each tenant's share should be from its weight alone, in %. */
export function weightSharesPct(weights: Readonly<Record<string, number>>): Record<string, number> {
  return sharesPct(weights, Object.keys(weights));
}

/**
 * The largest gap between a tenant's share and its weight's share: in percentage points, and
 * relative to the weight's share in % (so 24 % against 25 % is 1 point and 4 %).
 */
export function shareDeviation(
  actual: Readonly<Record<string, number>>,
  aimed: Readonly<Record<string, number>>,
): { points: number; relativePct: number } {
  let points = 0;
  let relativePct = 0;
  for (const [tenant, aim] of Object.entries(aimed)) {
    const gap = Math.abs((actual[tenant] ?? Number.NaN) - aim);
    if (!Number.isFinite(gap)) return { points: Number.NaN, relativePct: Number.NaN };
    points = Math.max(points, gap);
    relativePct = Math.max(relativePct, (gap / aim) * 100);
  }
  return { points, relativePct };
}
