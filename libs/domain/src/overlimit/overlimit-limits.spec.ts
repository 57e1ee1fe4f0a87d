import { OVERLIMIT_LIMITS } from './overlimit-limits';

// 62号令 第三条第一款: items (一)–(三) are height, width and length; the gross-weight limits are items
// (四)–(八), one item per axle count. A citation printed on a notice must name the right item.
const ITEM_BY_AXLES: Record<number, string> = { 2: '(四)', 3: '(五)', 4: '(六)', 5: '(七)', 6: '(八)' };

describe('OVERLIMIT_LIMITS citations (62号令 第三条第一款第(四)至(八)项)', () => {
  it.each(OVERLIMIT_LIMITS.map((row) => [row.description, row] as const))('%s cites its item', (_name, row) => {
    expect(row.clause).toBe(`第三条第一款第${ITEM_BY_AXLES[row.minAxles]}项`);
  });

  it('cites every gross-weight item and none of the dimension items', () => {
    const items = new Set(OVERLIMIT_LIMITS.map((row) => row.clause));
    expect([...items].sort()).toEqual(
      Object.values(ITEM_BY_AXLES)
        .map((i) => `第三条第一款第${i}项`)
        .sort(),
    );
  });
});
