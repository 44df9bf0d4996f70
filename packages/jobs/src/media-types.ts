/** File name extensions of the media types Adobe writes, for files Darkroom names itself. */
const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/tiff': 'tif',
  'image/vnd.adobe.photoshop': 'psd',
  // Adobe's v1 API spells the PSD type without `image/`.
  'vnd.adobe.photoshop': 'psd',
  'application/json': 'json',
};

/** The extension for a media type (any case), `bin` for one not listed or none. */
export function extensionOf(mediaType: string | undefined): string {
  return EXTENSIONS[(mediaType ?? '').toLowerCase()] ?? 'bin';
}
