/**
 * The `storage` values Adobe takes beside a presigned URL, and so the kinds of URL Darkroom's
 * presigners hand out: `external` for any https URL (S3 included), `azure` for an Azure Blob SAS
 * URL, `dropbox` for a Dropbox temporary link. Adobe's other values (`adobe`, `cclib`,
 * `lightroom`) name Creative Cloud storage, which server-to-server integrations cannot use.
 *
 * @see https://developer.adobe.com/firefly-services/docs/photoshop/general-workflow
 *   (Photoshop API general workflow, "Input and Output file storage")
 */
export const storageKinds = ['external', 'azure', 'dropbox'] as const;
export type StorageKind = (typeof storageKinds)[number];
