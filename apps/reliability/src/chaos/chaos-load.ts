import { randomUUID } from 'node:crypto';
import type { EditQueue } from '@darkroom/jobs';
import { pause } from './chaos-settings';

const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
const BATCH = 100;

/** The output a job was asked for and the first bytes a file of its type starts with. */
export interface ExpectedOutput {
  ref: string;
  magic: Buffer;
}

/** What the load has enqueued so far: job ids in order and each job's expected output. */
export interface ChaosLoad {
  ids: string[];
  outputs: Map<string, ExpectedOutput>;
  /** Settles once every job is enqueued. */
  done: Promise<void>;
}

interface LoadTarget {
  edits: EditQueue;
  input: string;
  outBucket: string;
  jobs: number;
}

function batchFrom(target: LoadTarget, runId: string, from: number) {
  const batch = [];
  for (let i = from; i < Math.min(target.jobs, from + BATCH); i += 1) {
    const png = i % 2 === 1;
    const ref = `s3://${target.outBucket}/chaos/${i}.${png ? 'png' : 'jpg'}`;
    batch.push({
      operation: 'renditionCreate',
      input: target.input,
      outputs: [{ ref, type: png ? 'image/png' : 'image/jpeg', width: 48 }],
      idempotencyKey: `${runId}-${i}`,
    });
  }
  return batch;
}

/**
 * Enqueues the jobs in batches of 100 with idempotency keys, alternating JPEG and PNG outputs:
 * a batch cut by the Redis restart is sent again without creating doubles.
 */
export function startLoad(target: LoadTarget): ChaosLoad {
  const runId = randomUUID().slice(0, 8);
  const ids: string[] = [];
  const outputs = new Map<string, ExpectedOutput>();
  const enqueueAll = async (): Promise<void> => {
    for (let from = 0; from < target.jobs; from += BATCH) {
      const batch = batchFrom(target, runId, from);
      for (let attempt = 0; ; attempt += 1) {
        try {
          const added = await target.edits.enqueueMany(batch);
          added.forEach((a, k) => {
            ids.push(a.id);
            const png = (from + k) % 2 === 1;
            outputs.set(a.id, { ref: batch[k]!.outputs[0]!.ref, magic: png ? PNG : JPEG });
          });
          break;
        } catch (err) {
          if (attempt > 100) throw err;
          await pause(200);
        }
      }
    }
  };
  return { ids, outputs, done: enqueueAll() };
}
