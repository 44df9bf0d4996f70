import { getOperation, isOperationId, statusPathTemplates, type StatusFamily } from './catalog';

/** When Adobe stopped an API family, and what replaces it. */
export interface Retirement {
  /** Adobe's end of life, `YYYY-MM-DD`. */
  readonly endOfLife: string;
  /** Darkroom operations that do the same on Adobe's current API. */
  readonly replacement: string;
}

/**
 * The API families Adobe has retired, by status family. v1's Photoshop and Lightroom services:
 * end of life 2026-07-31 (Adobe's deprecation announcement and v2 GA pages,
 * getting-started/deprecation-announcement and getting-started/v2-ga). `/sensei/cutout` and
 * `/sensei/mask`: retired on 2025-10-15, replaced by `/v2/remove-background` (Adobe's
 * deprecation notice for the remove-background service).
 */
export const retiredFamilies: Readonly<Partial<Record<StatusFamily, Retirement>>> = Object.freeze({
  photoshop: {
    endOfLife: '2026-07-31',
    replacement: 'v2.createComposite, v2.executeActions, v2.generateManifest, v2.createArtboard',
  },
  lightroom: { endOfLife: '2026-07-31', replacement: 'v2.edit' },
  sensei: { endOfLife: '2025-10-15', replacement: 'v2.removeBackground' },
});

/** The retirement of an operation's API family, or undefined for a current one. */
export function retirementOf(operationId: string): Retirement | undefined {
  return retiredFamilies[getOperation(operationId).statusFamily];
}

/** How a deployment treats operations of a retired family: refuse them, or run them (a grace period). */
export type LegacyPolicy = 'refuse' | 'allow';

/** Where a family's endpoints live: its status path without `/status/{jobId}` (`/sensei`). */
const familyPath = (family: StatusFamily): string =>
  statusPathTemplates[family].replace(/\/status\/\{jobId\}$/, '');

/**
 * The one warning a service logs at start-up when a deployment allows retired APIs: which ones and
 * when each ended.
 */
export function legacyApiWarning(): string {
  const ended = Object.entries(retiredFamilies).map(
    ([family, r]) => `${familyPath(family as StatusFamily)} ended ${r.endOfLife}`,
  );
  return `DARKROOM_LEGACY_API=allow: jobs on Adobe APIs past their end of life are accepted and run (${ended.join(', ')}); Adobe may refuse them, move them to v2`;
}

/**
 * One line for logs and errors: the operation, its end of life and what to use instead, and the
 * setting that keeps it running.
 */
export function retirementNotice(operationId: string, retirement: Retirement): string {
  return `${operationId} is on an Adobe API retired on ${retirement.endOfLife}; use ${retirement.replacement} (DARKROOM_LEGACY_API=allow runs it during a grace period)`;
}

/**
 * How an operation reads for an operator: its Adobe request, and for a retired API the end of life
 * and the replacement (`POST /v2/create-composite`; `POST /pie/psdService/renditionCreate: legacy,
 * ended 2026-07-31, use v2.createComposite, …`). Undefined for an id the catalog does not know.
 */
export function apiLabelOf(operationId: string): string | undefined {
  if (!isOperationId(operationId)) return undefined;
  const op = getOperation(operationId);
  const retired = retirementOf(operationId);
  const request = `${op.method} ${op.path}`;
  return retired
    ? `${request}: legacy, ended ${retired.endOfLife}, use ${retired.replacement}`
    : request;
}
