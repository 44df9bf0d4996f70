import sharp from 'sharp';

/**
 * A photo-like JPEG drawn for the test: a diagonal colour gradient with a darker disc in the
 * middle, so it has a subject, edges and a spread of levels. Tests that only need "an image" use
 * it instead of a sample file.
 */
export async function testJpeg(width = 320, height = 240): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  const cx = width / 2;
  const cy = height / 2;
  const radius = Math.min(width, height) / 4;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const inDisc = (x - cx) ** 2 + (y - cy) ** 2 < radius ** 2;
      const i = (y * width + x) * 3;
      pixels[i] = inDisc ? 160 : Math.round((255 * x) / width);
      pixels[i + 1] = inDisc ? 30 : Math.round((255 * y) / height);
      pixels[i + 2] = inDisc ? 40 : 128;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}
