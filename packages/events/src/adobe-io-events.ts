/**
 * Adobe I/O Events facts Darkroom relies on, each defined once. Source: Adobe's I/O Events
 * webhook and journaling guides (developer.adobe.com/events/docs) and the Photoshop API guide
 * "Triggering an Event".
 */

/** The event code Photoshop API jobs publish when they succeed or fail. */
export const JOB_STATUS_EVENT_CODE = 'photoshop-job-status';

/** Where Adobe serves the public keys named by a delivery's key-path headers. */
export const ADOBE_KEY_ORIGIN = 'https://static.adobeioevents.com';

/** Headers of a webhook delivery, lower case as Node presents them. */
export const SIGNATURE_HEADERS = [
  { signature: 'x-adobe-digital-signature-1', keyPath: 'x-adobe-public-key1-path' },
  { signature: 'x-adobe-digital-signature-2', keyPath: 'x-adobe-public-key2-path' },
] as const;
