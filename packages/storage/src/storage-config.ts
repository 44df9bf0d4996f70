import { z } from 'zod';
import { accountNameProblem, bucketNameProblem } from './name-rules';

/** Hosts where plain HTTP is acceptable: emulators on this machine. */
export function isLoopbackUrl(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const httpUrl = z.url({ protocol: /^https?$/ });

/** One S3-compatible endpoint and the credentials to sign for it. */
export const s3TargetSchema = z.strictObject({
  /** @defaultValue `us-east-1` */
  region: z.string().min(1).default('us-east-1'),
  /** For MinIO, R2, s3rver…; AWS when absent. */
  endpoint: httpUrl.optional(),
  /** Path-style URLs (`endpoint/bucket/key`), needed by most S3-compatible servers. @defaultValue false */
  forcePathStyle: z.boolean().default(false),
  /** Static keys; the AWS default chain (env, profile, instance role) when absent. */
  credentials: z
    .strictObject({
      accessKeyId: z.string().min(1),
      secretAccessKey: z.string().min(1),
      sessionToken: z.string().min(1).optional(),
    })
    .optional(),
});

/** One Azure storage account: an account key, or an Entra credential for user-delegation SAS. */
export const azureAccountSchema = z
  .strictObject({
    /** Base64 account key: SAS signed with the key. */
    accountKey: z.string().min(1).optional(),
    /**
     * `default`: Entra ID through DefaultAzureCredential (env, workload or managed identity), and
     * user-delegation SAS signed with a key from `getUserDelegationKey`.
     */
    credential: z.literal('default').optional(),
    /** Blob endpoint; `https://<account>.blob.core.windows.net` when absent. Azurite: `http://127.0.0.1:<port>/<account>`. */
    endpoint: httpUrl.optional(),
  })
  .superRefine((account, ctx) => {
    if ((account.accountKey === undefined) === (account.credential === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'set exactly one of accountKey and credential (rule auth_required)',
        params: { rule: 'auth_required' },
      });
    }
    if (account.endpoint !== undefined) {
      const url = new URL(account.endpoint);
      if (url.protocol === 'http:' && !isLoopbackUrl(url)) {
        ctx.addIssue({
          code: 'custom',
          path: ['endpoint'],
          message: 'must be https unless it is a loopback emulator (rule https_required)',
          params: { rule: 'https_required' },
        });
      }
    }
  });

/** The Dropbox app and the refresh token of the account Darkroom reads and writes. */
export const dropboxConfigSchema = z.strictObject({
  appKey: z.string().min(1),
  appSecret: z.string().min(1),
  refreshToken: z.string().min(1),
  /** RPC host. @defaultValue `https://api.dropboxapi.com` */
  apiBaseUrl: httpUrl.default('https://api.dropboxapi.com'),
  /** OAuth token endpoint. @defaultValue `https://api.dropboxapi.com/oauth2/token` */
  tokenUrl: httpUrl.default('https://api.dropboxapi.com/oauth2/token'),
});

function namedRecord<T extends z.ZodType>(
  value: T,
  problemOf: (name: string) => string | undefined,
  rule: string,
) {
  return z.record(z.string(), value).superRefine((record, ctx) => {
    for (const name of Object.keys(record)) {
      const problem = problemOf(name);
      if (problem) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `${JSON.stringify(name)} ${problem} (rule ${rule})`,
          params: { rule },
        });
      }
    }
  });
}

/**
 * Everything the registry needs, parseable from one JSON env var:
 * `{ s3: { default?, buckets? }, azure: { accounts }, dropbox? }`.
 */
export const storageConfigSchema = z.strictObject({
  s3: z
    .strictObject({
      /** Used for any bucket not listed under `buckets`. */
      default: s3TargetSchema.optional(),
      buckets: namedRecord(s3TargetSchema, bucketNameProblem, 'invalid_bucket_name').optional(),
    })
    .optional(),
  azure: z
    .strictObject({
      accounts: namedRecord(azureAccountSchema, accountNameProblem, 'invalid_account_name'),
    })
    .optional(),
  dropbox: dropboxConfigSchema.optional(),
});

/** What callers write (defaults may be left out). */
export type StorageConfig = z.input<typeof storageConfigSchema>;
/** What the registry works with, defaults filled in. */
export type ResolvedStorageConfig = z.output<typeof storageConfigSchema>;
export type S3TargetConfig = z.output<typeof s3TargetSchema>;
export type AzureAccountConfig = z.output<typeof azureAccountSchema>;
export type DropboxConfig = z.output<typeof dropboxConfigSchema>;
