import {
  getOperation,
  legacyApiWarning,
  operationIds,
  retiredFamilies,
  retirementNotice,
  retirementOf,
} from '../src';

describe("Adobe's retired APIs", () => {
  it('marks every v1 Photoshop, Lightroom and /sensei operation, and no current one', () => {
    for (const id of operationIds) {
      const { generation, statusFamily, path } = getOperation(id);
      const retired = retirementOf(id) !== undefined;
      const onRetiredPath = /^\/(pie\/psdService|lrService|sensei)\//.test(path);
      expect([id, retired]).toEqual([id, onRetiredPath]);
      if (retired) expect([id, generation]).toEqual([id, 'v1']);
      if (statusFamily === 'v2' || statusFamily === 'masking') expect(retired).toBe(false);
    }
    expect(retirementOf('renditionCreate')?.endOfLife).toBe('2026-07-31');
    expect(retirementOf('cutout')).toEqual({
      endOfLife: '2025-10-15',
      replacement: 'v2.removeBackground',
    });
  });

  it('names each replacement by operations that exist in the catalog', () => {
    for (const r of Object.values(retiredFamilies)) {
      for (const id of r.replacement.split(', ')) expect(() => getOperation(id)).not.toThrow();
    }
  });

  it('says the end of life, the replacement and the way out, in one line each', () => {
    const notice = retirementNotice('autoTone', retirementOf('autoTone')!);
    expect(notice).toBe(
      'autoTone is on an Adobe API retired on 2026-07-31; use v2.edit (DARKROOM_LEGACY_API=allow runs it during a grace period)',
    );
    const warning = legacyApiWarning();
    for (const r of Object.values(retiredFamilies)) expect(warning).toContain(r.endOfLife);
    expect(warning).not.toContain('\n');
  });
});
