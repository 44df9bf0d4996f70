import { getOperation, operationIds, type OperationId } from '@darkroom/photoshop';
import { decisionFor, fieldSupport, refusedOperations } from '../../src/validation/field-support';
import { schemaFieldPaths } from '../../src/validation/schema-paths';

export interface FieldCountRow {
  operation: OperationId;
  path: string;
  fields: number;
  honoured: number;
  refused: number;
  /** Fields with no decision yet (the honoured-or-refused test fails while any remain). */
  undecided: number;
}

/** Per endpoint: how many fields of its request schema the emulator honours and refuses. */
export function fieldSupportCounts(): FieldCountRow[] {
  return operationIds.map((operation) => {
    const spec = getOperation(operation);
    const paths = schemaFieldPaths(spec.bodySchema);
    const table = fieldSupport[operation];
    const wholeOperationRefused = refusedOperations[operation] !== undefined;
    let honoured = 0;
    let refused = 0;
    for (const path of paths) {
      const decision = table ? decisionFor(table, path) : undefined;
      if (wholeOperationRefused || decision?.kind === 'refused') refused += 1;
      else if (decision?.kind === 'honoured') honoured += 1;
    }
    return {
      operation,
      path: spec.path,
      fields: paths.length,
      honoured,
      refused,
      undecided: paths.length - honoured - refused,
    };
  });
}

/** `npx tsx packages/emulator/test/support/field-counts.ts` prints the table. */
if (require.main === module) {
  const rows = fieldSupportCounts();
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  console.log(line(['operation', 'path', 'fields', 'honoured', 'refused', 'undecided']));
  console.log(line(['---', '---', '---:', '---:', '---:', '---:']));
  for (const r of rows) {
    console.log(line([r.operation, r.path, r.fields, r.honoured, r.refused, r.undecided]));
  }
}
