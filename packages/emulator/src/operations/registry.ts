import { type OperationId } from '@darkroom/photoshop';
import * as ps from './photoshop-operations';
import * as mask from './masking-operations';
import * as lr from './sensei-lightroom-operations';
import * as v2 from './v2-operations';
import { type JobResult, type WorkContext } from './work-context';

export type OperationRunner = (ctx: WorkContext) => Promise<JobResult>;

/** What the emulator does for each operation; the README's table describes the same. */
export const runners: Readonly<Record<OperationId, OperationRunner>> = {
  renditionCreate: ps.renditionCreate,
  documentManifest: ps.documentManifest,
  documentOperations: ps.documentOperations,
  documentCreate: ps.documentCreate,
  smartObject: ps.smartObject,
  text: ps.text,
  photoshopActions: ps.notImplemented('playing Photoshop actions (.atn)'),
  actionJSON: ps.actionJson,
  actionJsonCreate: ps.notImplemented('converting .atn actions to actionJSON'),
  productCrop: ps.productCrop,
  depthBlur: ps.depthBlur,
  artboardCreate: ps.artboardCreate,
  cutout: lr.cutout,
  mask: lr.mask,
  autoTone: lr.autoTone,
  autoStraighten: lr.autoStraighten,
  presets: lr.presets,
  xmp: lr.xmp,
  edit: lr.edit,
  'v2.createComposite': v2.createComposite,
  'v2.edit': v2.v2Edit,
  'v2.executeActions': v2.executeActions,
  'v2.generateManifest': v2.generateManifest,
  'v2.createArtboard': v2.createArtboard,
  'v2.autoCrop': v2.autoCrop,
  'v2.removeBackground': mask.removeBackground,
  maskObjects: mask.maskObjects,
  maskBodyParts: mask.maskBodyParts,
  refineMask: mask.refineMask,
  fillMaskedAreas: mask.fillMaskedAreas,
};
