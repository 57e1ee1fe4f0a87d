import { maskOwnerName } from './mask-name';

describe('maskOwnerName (§4.8: natural persons masked, companies in full)', () => {
  it.each([
    ['张三', 'PERSON', '张*'],
    ['张三丰', 'PERSON', '张**'],
    ['欧阳娜娜', 'PERSON', '欧***'],
    ['张', 'PERSON', '张*'],
    ['湖州市南浔区某某物流有限公司', 'COMPANY', '湖州市南浔区某某物流有限公司'],
  ] as const)('%s (%s) → %s', (name, type, masked) => {
    expect(maskOwnerName(name, type)).toBe(masked);
  });
});
