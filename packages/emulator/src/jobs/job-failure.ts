import { EmulatorError } from '../emulator-error';

/**
 * Why a remote job failed, in both generations' vocabularies: v1 status documents carry
 * `{type, code, title, details[]}`, v2 ones `errorDetails[{errorCode, message}]`.
 */
export interface JobFailure {
  type: string;
  code: number;
  title: string;
  details: { name: string; reason: string }[];
  v2ErrorCode: string;
}

/** Thrown inside job work to end the job `failed` with this failure. */
export class JobFailedError extends EmulatorError {
  constructor(readonly failure: JobFailure) {
    super(`${failure.type}: ${failure.details.map((d) => d.reason).join('; ') || failure.title}`);
  }
}

export const failures = {
  inputForbidden: (
    name: string,
    reason = 'Unable to access the input href (HTTP 403)',
  ): JobFailure => ({
    type: 'AuthForbidden',
    code: 403,
    title: 'Forbidden',
    details: [{ name, reason }],
    v2ErrorCode: '403401',
  }),
  inputNotFound: (
    name: string,
    reason = 'Unable to access the input href (HTTP 404)',
  ): JobFailure => ({
    type: 'FileExistsErrors',
    code: 404,
    title: 'Asset Not Found',
    details: [{ name, reason }],
    v2ErrorCode: '400401',
  }),
  inputLinkInvalid: (name: string): JobFailure => ({
    type: 'FileLinkInvalidError',
    code: 410,
    title: 'Asset Link Invalid',
    details: [
      {
        name,
        reason: 'Unable to download the input href. The link is either invalid or has expired.',
      },
    ],
    v2ErrorCode: '400401',
  }),
  inputUnreadable: (name: string, reason: string): JobFailure => ({
    type: 'InputValidationError',
    code: 400,
    title: 'Unable to read the input file',
    details: [{ name, reason }],
    v2ErrorCode: '400401',
  }),
  uploadFailed: (name: string, reason: string): JobFailure => ({
    type: 'FileOverwriteError',
    code: 409,
    title: 'Unable to upload asset',
    details: [{ name, reason }],
    v2ErrorCode: '422404',
  }),
  invalidRequest: (name: string, reason: string): JobFailure => ({
    type: 'InputValidationError',
    code: 400,
    title: "request parameters didn't validate",
    details: [{ name, reason }],
    v2ErrorCode: '400401',
  }),
  internal: (reason: string): JobFailure => ({
    type: 'InternalServiceError',
    code: 500,
    title: 'Internal Service Error',
    details: [{ name: 'job', reason }],
    v2ErrorCode: '500600',
  }),
  notImplemented: (operation: string, what: string): JobFailure => ({
    type: 'NotImplementedByEmulator',
    code: 501,
    title: 'Not implemented by the Darkroom emulator',
    details: [
      {
        name: operation,
        reason: `the emulator does not implement ${what}; run this operation against Adobe's API`,
      },
    ],
    v2ErrorCode: '500600',
  }),
  /** Fields of the request the emulator does not do, each named by its path. */
  notImplementedFields: (fields: readonly { path: string; what: string }[]): JobFailure => ({
    type: 'NotImplementedByEmulator',
    code: 501,
    title: 'Not implemented by the Darkroom emulator',
    details: fields.map((f) => ({
      name: f.path,
      reason: `the emulator does not implement ${f.what}; run this request against Adobe's API`,
    })),
    v2ErrorCode: '500600',
  }),
};
