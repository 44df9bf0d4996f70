import { storageKinds, type OperationSpec, type ValidationIssue } from '@darkroom/photoshop';
import { isLoopbackHost } from '../http/loopback-host';
import { fileReferences } from '../operations/job-files';

const URL_STORAGES: ReadonlySet<string> = new Set(storageKinds);

function checkUrl(href: string, allowHttpLoopback: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && allowHttpLoopback && isLoopbackHost(url.hostname))
    return undefined;
  return allowHttpLoopback
    ? 'must match ^https:// (http:// is accepted only on loopback hosts)'
    : 'must match ^https://';
}

/**
 * Adobe's href rules on top of the shared body schema (which accepts any non-empty href):
 * https only (plus http on loopback when allowed), and only the storages a server-to-server
 * integration can use. Creative Cloud storage (`adobe`, `cclib`, `lightroom`, CC paths and ids)
 * is refused: the emulator has no Creative Cloud to read or write.
 */
export function hrefIssues(
  op: OperationSpec,
  body: unknown,
  allowHttpLoopback: boolean,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const ref of fileReferences(op, body)) {
    if (ref.storage !== undefined && !URL_STORAGES.has(ref.storage)) {
      issues.push({
        path: ref.path.replace(/\.href$/, '.storage'),
        rule: 'unsupported-storage',
        message: `storage "${ref.storage}" is Creative Cloud storage, which the emulator (like server-to-server integrations) cannot use`,
      });
      continue;
    }
    const problem = checkUrl(ref.href, allowHttpLoopback);
    if (problem) issues.push({ path: ref.path, rule: 'href-pattern', message: problem });
  }
  if (op.generation === 'v2') issues.push(...v2ResourceIssues(body));
  return issues;
}

const CC_KEYS = ['creativeCloudPath', 'creativeCloudFileId', 'lightroomPath'];

function v2ResourceIssues(body: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${path}[${i}]`));
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const o = value as Record<string, unknown>;
    for (const key of CC_KEYS) {
      if (key in o) {
        issues.push({
          path: path ? `${path}.${key}` : key,
          rule: 'unsupported-storage',
          message:
            'Creative Cloud and Lightroom resources are not available in the emulator; use a presigned url',
        });
      }
    }
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'object' && v !== null) visit(v, path ? `${path}.${k}` : k);
    }
  };
  visit(body, '');
  return issues;
}
