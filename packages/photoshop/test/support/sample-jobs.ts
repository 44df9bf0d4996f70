import type { OperationId, ResolveRef } from '../../src';

/**
 * One representative Darkroom job per operation, touching every file position the catalog lists
 * for it, so the builder's output can be checked against Adobe's published schemas.
 */
export const sampleJobs: Record<OperationId, unknown> = {
  renditionCreate: {
    input: 's3://darkroom-in/doc.psd',
    outputs: [
      { ref: 's3://darkroom-out/a.jpg', type: 'image/jpeg', width: 512, quality: 7 },
      {
        ref: 'azure://acct/out/b.png',
        type: 'image/png',
        compression: 'small',
        trimToCanvas: true,
      },
      {
        ref: 'dropbox:/out/c.png',
        type: 'image/png',
        iccProfile: {
          imageMode: 'rgb',
          profileName: 'sRGB IEC61966-2.1',
          input: { ref: 's3://darkroom-in/p.icc' },
        },
      },
      { ref: 's3://darkroom-out/d.psd', type: 'vnd.adobe.photoshop', layers: [{ name: 'bug' }] },
    ],
  },
  documentManifest: {
    input: 's3://darkroom-in/doc.psd',
    options: { thumbnails: { type: 'image/png' } },
  },
  documentOperations: {
    input: 's3://darkroom-in/doc.psd',
    options: {
      manageMissingFonts: 'useDefault',
      fonts: [{ ref: 's3://darkroom-in/MyFont-Bold.otf' }],
      layers: [
        {
          add: { insertAbove: { id: 549 } },
          name: 'NewBrightnessContrast',
          type: 'adjustmentLayer',
          adjustments: { brightnessContrast: { brightness: 25, contrast: -40 } },
        },
        {
          edit: {},
          id: 751,
          type: 'layer',
          input: { ref: 's3://darkroom-in/swap.png' },
          mask: { input: { ref: 's3://darkroom-in/mask.png' }, enabled: true },
          bounds: { top: 0, left: 0, width: 300, height: 405 },
        },
      ],
      document: { canvasSize: { bounds: { top: 0, left: 0, bottom: 300, right: 300 } } },
    },
    outputs: [
      {
        ref: 's3://darkroom-out/a.jpg',
        type: 'image/jpeg',
        width: 500,
        iccProfile: { imageMode: 'rgb', input: { ref: 's3://darkroom-in/p.icc' } },
      },
    ],
  },
  documentCreate: {
    options: {
      document: { width: 800, height: 600, resolution: 72, fill: 'white', mode: 'rgb' },
      layers: [
        {
          add: { insertTop: true },
          type: 'layer',
          name: 'Image',
          input: { ref: 's3://darkroom-in/a.png' },
          mask: { input: { ref: 's3://darkroom-in/mask.png' } },
        },
      ],
      fonts: [{ ref: 's3://darkroom-in/MyFont.otf' }],
    },
    outputs: [
      {
        ref: 's3://darkroom-out/new.psd',
        type: 'image/vnd.adobe.photoshop',
        iccProfile: { imageMode: 'rgb', input: { ref: 's3://darkroom-in/p.icc' } },
      },
    ],
  },
  smartObject: {
    input: 's3://darkroom-in/doc.psd',
    options: {
      layers: [
        {
          name: 'HeroImage',
          input: { ref: 's3://darkroom-in/hero.png' },
          bounds: { width: 602, height: 400 },
        },
      ],
    },
    outputs: [{ ref: 's3://darkroom-out/so.psd', type: 'image/vnd.adobe.photoshop' }],
  },
  text: {
    input: 's3://darkroom-in/doc.psd',
    options: {
      fonts: [{ ref: 's3://darkroom-in/Font.otf' }],
      layers: [{ name: 'Title', text: { contents: 'Hello', characterStyles: [{ size: 20 }] } }],
    },
    outputs: [
      {
        ref: 's3://darkroom-out/t.png',
        type: 'image/png',
        iccProfile: { imageMode: 'rgb', input: { ref: 's3://darkroom-in/p.icc' } },
      },
    ],
  },
  photoshopActions: {
    input: 's3://darkroom-in/a.jpg',
    options: {
      actions: [{ ref: 's3://darkroom-in/Oil-paint.atn', actionName: 'Oil' }],
      fonts: [{ ref: 's3://darkroom-in/F.otf' }],
      patterns: [{ ref: 's3://darkroom-in/p.pat' }],
      brushes: [{ ref: 's3://darkroom-in/b.abr' }],
    },
    outputs: [{ ref: 's3://darkroom-out/o.jpg', type: 'image/jpeg', quality: 10 }],
  },
  actionJSON: {
    input: 's3://darkroom-in/a.jpg',
    options: {
      actionJSON: [
        {
          _obj: 'imageSize',
          constrainProportions: true,
          width: { _unit: 'pixelsUnit', _value: 100 },
        },
      ],
      additionalImages: [{ ref: 's3://darkroom-in/extra.png' }],
      fonts: [{ ref: 's3://darkroom-in/F.otf' }],
      patterns: [{ ref: 's3://darkroom-in/p.pat' }],
      brushes: [{ ref: 's3://darkroom-in/b.abr' }],
    },
    outputs: [{ ref: 's3://darkroom-out/o.gif', type: 'image/gif' }],
  },
  actionJsonCreate: {
    input: 's3://darkroom-in/a.atn',
    options: { actions: [{ actionName: 'Oil' }] },
    outputs: [{ ref: 's3://darkroom-out/a.json', type: 'application/json' }],
  },
  productCrop: {
    input: 's3://darkroom-in/a.jpg',
    options: { unit: 'Pixels', width: 10, height: 10 },
    outputs: [{ ref: 's3://darkroom-out/c.png', type: 'image/png', compression: 'medium' }],
  },
  depthBlur: {
    input: 's3://darkroom-in/a.jpg',
    options: { focusSubject: true, blurStrength: 40, haze: 10, temp: -5 },
    outputs: [{ ref: 's3://darkroom-out/d.jpg', type: 'image/jpeg', quality: 12 }],
  },
  artboardCreate: {
    options: { artboard: [{ ref: 's3://darkroom-in/a.psd' }, { ref: 's3://darkroom-in/b.psd' }] },
    outputs: [
      {
        ref: 's3://darkroom-out/board.psd',
        type: 'image/vnd.adobe.photoshop',
        iccProfile: { imageMode: 'rgb', input: { ref: 's3://darkroom-in/p.icc' } },
      },
    ],
  },
  cutout: {
    input: 's3://darkroom-in/a.jpg',
    outputs: [{ ref: 's3://darkroom-out/cut.png', mask: { format: 'soft' } }],
    options: { optimize: 'performance' },
  },
  mask: {
    input: 's3://darkroom-in/a.jpg',
    outputs: [
      { ref: 'azure://acct/out/mask.png', mask: { format: 'binary' }, color: { space: 'rgb' } },
    ],
  },
  autoTone: {
    input: 's3://darkroom-in/a.jpg',
    outputs: [{ ref: 's3://darkroom-out/t.jpg', type: 'image/jpeg', quality: 10 }],
  },
  autoStraighten: {
    input: 's3://darkroom-in/a.jpg',
    options: { uprightMode: 'auto', constrainCrop: true },
    outputs: [{ ref: 's3://darkroom-out/s.dng', type: 'image/x-adobe-dng' }],
  },
  presets: {
    input: 's3://darkroom-in/a.jpg',
    options: { presets: [{ ref: 's3://darkroom-in/p1.xmp' }, { ref: 's3://darkroom-in/p2.xmp' }] },
    outputs: [{ ref: 's3://darkroom-out/p.jpg', type: 'image/jpeg', quality: 10 }],
  },
  xmp: {
    input: 's3://darkroom-in/a.jpg',
    options: { xmp: '<x:xmpmeta xmlns:x="adobe:ns:meta/"/>', orientation: 1 },
    outputs: [{ ref: 's3://darkroom-out/x.png', type: 'image/png' }],
  },
  edit: {
    input: 's3://darkroom-in/a.jpg',
    options: { Exposure: 1.2, Contrast: 10, WhiteBalance: 'Auto', SharpenRadius: 1 },
    outputs: [{ ref: 's3://darkroom-out/e.jpg', type: 'image/jpeg' }],
  },
  'v2.createComposite': {
    input: 's3://darkroom-in/doc.psd',
    options: {
      edits: {
        layers: [
          {
            operation: { type: 'edit' },
            id: 2,
            image: { source: { ref: 's3://darkroom-in/swap.png' } },
          },
          {
            operation: { type: 'add', placement: { type: 'top' } },
            name: 'Logo',
            smartObject: { smartObjectFile: { source: { ref: 's3://darkroom-in/logo.svg' } } },
          },
          {
            operation: { type: 'add', placement: { type: 'top' } },
            name: 'Masked',
            image: { source: { ref: 's3://darkroom-in/m.png' } },
            pixelMask: { source: { ref: 's3://darkroom-in/mask.png' } },
          },
        ],
      },
      fontOptions: { additionalFonts: [{ source: { ref: 's3://darkroom-in/F.otf' } }] },
    },
    outputs: [
      { ref: 's3://darkroom-out/a.jpg', mediaType: 'image/jpeg', quality: 'maximum', width: 1920 },
      {
        ref: 'azure://acct/out/b.png',
        mediaType: 'image/png',
        compression: 'medium',
        iccProfile: { type: 'custom', name: 'Mine', source: { ref: 's3://darkroom-in/p.icc' } },
      },
      { ref: 'dropbox:/out/c.psd', mediaType: 'image/vnd.adobe.photoshop' },
    ],
  },
  'v2.edit': {
    input: 's3://darkroom-in/a.jpg',
    options: {
      edits: {
        autoTone: true,
        presets: [{ ref: 's3://darkroom-in/p.xmp' }],
        xmp: {
          source: { ref: 's3://darkroom-in/x.xmp' },
          masks: [{ digest: 'abc', source: { ref: 's3://darkroom-in/m.png' } }],
        },
      },
    },
    outputs: [{ ref: 's3://darkroom-out/e.jpg', mediaType: 'image/jpeg', quality: 'high' }],
  },
  'v2.executeActions': {
    input: 's3://darkroom-in/a.psd',
    options: {
      actions: [{ source: { ref: 's3://darkroom-in/a.atn' }, actionName: 'Oil' }],
      additionalContents: [{ source: { ref: 's3://darkroom-in/extra.png' } }],
      brushes: [{ source: { ref: 's3://darkroom-in/b.abr' } }],
      patterns: [{ source: { ref: 's3://darkroom-in/p.pat' } }],
      fontOptions: { additionalFonts: [{ source: { ref: 's3://darkroom-in/F.otf' } }] },
      uxp: { source: { ref: 's3://darkroom-in/script.js' } },
    },
    outputs: [
      {
        ref: 's3://darkroom-out/o.png',
        mediaType: 'image/png',
        iccProfile: { type: 'custom', name: 'Mine', source: { ref: 's3://darkroom-in/p.icc' } },
      },
    ],
  },
  'v2.generateManifest': {
    input: 's3://darkroom-in/a.psd',
    options: { includeLayerThumbnails: true },
    outputs: [{ ref: 's3://darkroom-out/m.json', mediaType: 'application/json' }],
  },
  'v2.createArtboard': {
    options: {
      images: [
        { source: { ref: 's3://darkroom-in/a.psd' } },
        { source: { ref: 's3://darkroom-in/b.psd' } },
      ],
      artboardSpacing: 50,
    },
    outputs: [
      {
        ref: 's3://darkroom-out/board.psd',
        mediaType: 'image/vnd.adobe.photoshop',
        iccProfile: { type: 'custom', name: 'Mine', source: { ref: 's3://darkroom-in/p.icc' } },
      },
    ],
  },
  'v2.autoCrop': {
    input: 's3://darkroom-in/a.jpg',
    options: { mode: 'smartCrop', aspectRatio: ['16:9', '1:1'], outputType: 'images' },
  },
  'v2.removeBackground': {
    input: 's3://darkroom-in/a.jpg',
    outputs: [{ ref: 's3://darkroom-out/cut.png', mediaType: 'image/png' }],
    options: {
      mode: 'cutout',
      trim: true,
      backgroundColor: { red: 255, green: 255, blue: 255, alpha: 1 },
      colorDecontamination: 1,
    },
  },
  maskObjects: { input: 's3://darkroom-in/a.jpg' },
  maskBodyParts: {
    input: 's3://darkroom-in/person.jpg',
    options: {
      mask: { source: { ref: 's3://darkroom-in/person-mask.png' } },
      useGranularLabels: true,
    },
  },
  refineMask: {
    input: 's3://darkroom-in/a.jpg',
    options: {
      mask: { source: { ref: 's3://darkroom-in/rough.png' } },
      colorDecontamination: true,
    },
  },
  fillMaskedAreas: {
    input: 's3://darkroom-in/a.jpg',
    options: {
      masks: [
        { source: { ref: 's3://darkroom-in/hole-1.png' } },
        { source: { ref: 's3://darkroom-in/hole-2.png' } },
      ],
    },
  },
};

/** A presigner stand-in giving https URLs (Adobe's schemas require https for external storage). */
export const httpsResolve: ResolveRef = (ref, ctx) => {
  const storage = ref.startsWith('azure://')
    ? 'azure'
    : ref.startsWith('dropbox:')
      ? 'dropbox'
      : 'external';
  const path = ref.replace(/^[a-z0-9]+:\/*/, '');
  return Promise.resolve({
    href: `https://storage.example/${path}?X-Sig=${ctx.access}${ctx.contentType ? `&ct=${encodeURIComponent(ctx.contentType)}` : ''}`,
    storage,
  });
};
