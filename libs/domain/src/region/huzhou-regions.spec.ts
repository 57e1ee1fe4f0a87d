import { HUZHOU_REGIONS, HUZHOU_TOTAL, regionOfStation } from './huzhou-regions';

describe('regionOfStation', () => {
  it.each([
    ['330500001', '湖州市本级'],
    ['330521001', '德清县'],
    ['330522002', '长兴县'],
    ['330523001', '安吉县'],
    // A district station (吴兴区 330502) belongs to the city as a whole, not to a county.
    ['330502001', '湖州市（全市）'],
  ])('%s is in %s', (stationId, name) => {
    expect(regionOfStation(stationId)?.name).toBe(name);
  });

  it('knows nothing outside Huzhou', () => {
    expect(regionOfStation('330100001')).toBeUndefined();
  });

  it('has four regions inside the city total, none a prefix of another', () => {
    expect(HUZHOU_REGIONS.every((r) => r.code.startsWith(HUZHOU_TOTAL.code))).toBe(true);
    for (const a of HUZHOU_REGIONS)
      for (const b of HUZHOU_REGIONS) if (a !== b) expect(b.code.startsWith(a.code)).toBe(false);
  });
});
