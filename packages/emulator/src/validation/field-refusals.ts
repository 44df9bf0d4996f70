import { type OperationId } from '@darkroom/photoshop';
import { type FieldTable, fieldSupport } from './field-support';

/** A field of a request the emulator does not do, by its path in that request. */
export interface FieldRefusal {
  /** Concrete path, e.g. `options.layers[2].mask`. */
  path: string;
  /** What the emulator does not do, e.g. `layer masks`. */
  what: string;
}

const parentsCache = new WeakMap<FieldTable, ReadonlySet<string>>();

/** Field paths that have registered fields below them: the walk descends only into those. */
function parentsOf(table: FieldTable): ReadonlySet<string> {
  let parents = parentsCache.get(table);
  if (!parents) {
    const set = new Set<string>();
    for (const path of Object.keys(table)) {
      for (let i = 0; i < path.length; i += 1) {
        if (path[i] === '.' || path[i] === '[') set.add(path.slice(0, i).replace(/(\[\])+$/, ''));
      }
    }
    parents = set;
    parentsCache.set(table, parents);
  }
  return parents;
}

function isEmpty(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  return isRecord(value) && Object.keys(value).length === 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Every field of `body` the emulator would not honour: fields registered as refused (unless
 * their value asks for nothing), values a field's check refuses, and fields it does not know.
 * Operations without a table (none today) are not checked here.
 */
export function refusedFields(op: OperationId, body: unknown): FieldRefusal[] {
  const table = fieldSupport[op];
  if (!table) return [];
  const parents = parentsOf(table);
  const out: FieldRefusal[] = [];
  const walk = (value: unknown, pattern: string, path: string): void => {
    if (pattern !== '' && !pattern.endsWith('[]')) {
      const decision = table[pattern];
      if (!decision) {
        out.push({ path, what: 'this field (it is not part of what the emulator reads)' });
        return;
      }
      if (decision.kind === 'refused') {
        // An empty block or list asks for nothing.
        if (!isEmpty(value) && !decision.neutral?.(value))
          out.push({ path, what: decision.reason });
        return;
      }
      const problem = decision.check?.(value);
      if (problem) {
        out.push({ path, what: problem });
        return;
      }
      if (!parents.has(pattern)) return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${pattern}[]`, `${path}[${i}]`));
    } else if (isRecord(value)) {
      for (const [key, item] of Object.entries(value)) {
        walk(item, pattern ? `${pattern}.${key}` : key, path ? `${path}.${key}` : key);
      }
    }
  };
  walk(body, '', '');
  return out;
}

/**
 * A synchronous refusal (HTTP 501) naming each field, in the generation's error shape, for a
 * submit handler that answers before a job exists (as Adobe answers unsupported input when it
 * can). Jobs refused after acceptance carry the same details in their status instead.
 */
export function notImplementedReply(
  generation: 'v1' | 'v2',
  refusals: readonly FieldRefusal[],
): { status: 501; body: Record<string, unknown> } {
  const reason = (r: FieldRefusal) =>
    `the emulator does not implement ${r.what}; run this request against Adobe's API`;
  const title = 'Not implemented by the Darkroom emulator';
  if (generation === 'v1') {
    return {
      status: 501,
      body: {
        type: 'NotImplementedByEmulator',
        code: 501,
        title,
        details: refusals.map((r) => ({ name: r.path, reason: reason(r) })),
      },
    };
  }
  return {
    status: 501,
    body: {
      error_code: 'not_implemented_by_emulator',
      message: title,
      errors: refusals.map((r) => ({ error_code: '501', message: `${r.path}: ${reason(r)}` })),
    },
  };
}
