/**
 * Naming rules of each provider, as functions that return what is wrong (or undefined). Kept
 * apart from parsing so the same rules check parsed and hand-built references.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 * @see https://learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata
 */

/** S3 general-purpose bucket names; the reserved prefixes and suffixes are S3's own. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `must be 3 to 63 characters, got ${name.length}`;
  if (!/^[a-z0-9.-]+$/.test(name))
    return 'may hold only lowercase letters, digits, dots and hyphens';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) {
    return 'must start and end with a letter or digit';
  }
  if (name.includes('..')) return 'must not hold two dots in a row';
  if (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)) return 'must not look like an IP address';
  for (const prefix of ['xn--', 'sthree-', 'amzn-s3-demo-']) {
    if (name.startsWith(prefix)) return `must not start with ${prefix}`;
  }
  for (const suffix of ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3']) {
    if (name.endsWith(suffix)) return `must not end with ${suffix}`;
  }
  return undefined;
}

/** Azure storage account names. */
export function accountNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 24) return `must be 3 to 24 characters, got ${name.length}`;
  if (!/^[a-z0-9]+$/.test(name)) return 'may hold only lowercase letters and digits';
  return undefined;
}

/** Azure container names (the special `$root`, `$web` and `$logs` containers are not supported). */
export function containerNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `must be 3 to 63 characters, got ${name.length}`;
  if (!/^[a-z0-9-]+$/.test(name)) return 'may hold only lowercase letters, digits and hyphens';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) {
    return 'must start and end with a letter or digit';
  }
  if (name.includes('--')) return 'must not hold two hyphens in a row';
  return undefined;
}

/** C0 controls, DEL and C1 controls: invisible in logs and refused or mangled by some services. */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
