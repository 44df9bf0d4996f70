import { type z } from 'zod';

/** The parts of zod's internal definition the walk reads (zod 4's `_zod.def`). */
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: readonly z.ZodType[];
  valueType?: z.ZodType;
  getter?: () => z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch']);

/**
 * Every field path a request schema declares, in the emulator's path grammar: object keys joined
 * with `.`, array items as `[]`, free-form records as the record's own path (their keys are
 * whatever a caller sends). Recursive schemas (v1 layer `children`) are walked once.
 */
export function schemaFieldPaths(schema: z.ZodType): string[] {
  const paths = new Set<string>();
  const walk = (s: z.ZodType, path: string, seen: ReadonlySet<z.ZodType>): void => {
    if (seen.has(s)) return;
    const next = new Set(seen).add(s);
    const def = defOf(s);
    if (WRAPPERS.has(def.type) && def.innerType) return walk(def.innerType, path, next);
    switch (def.type) {
      case 'lazy':
        return def.getter ? walk(def.getter(), path, next) : undefined;
      case 'pipe':
        return def.in ? walk(def.in, path, next) : undefined;
      case 'intersection':
        if (def.left) walk(def.left, path, next);
        return def.right ? walk(def.right, path, next) : undefined;
      case 'union':
        for (const option of def.options ?? []) walk(option, path, next);
        return;
      case 'array':
        return def.element ? walk(def.element, `${path}[]`, next) : undefined;
      case 'object':
        for (const [key, value] of Object.entries(def.shape ?? {})) {
          const child = path ? `${path}.${key}` : key;
          paths.add(child);
          walk(value, child, next);
        }
        return;
      default:
        return;
    }
  };
  walk(schema, '', new Set());
  return [...paths].sort();
}
