import { findPersonalData, maskContact, maskIdNo, maskPersonalData, maskPhone } from './personal-data';

describe('personal data masking (SPEC §4.8, docs/rules.md "Personal data")', () => {
  it.each([
    ['330102199001011234', '330102********1234'],
    ['33010219900101123X', '330102********123X'],
    ['12345', '***45'],
    ['1234', '****'],
  ])('id number %s → %s', (input, masked) => expect(maskIdNo(input)).toBe(masked));

  it.each([
    ['13812345678', '138****5678'],
    ['0572-2345678', '057*-***5678'],
    ['+86 138 1234 5678', '+86 1** **** 5678'],
    ['12345', '***45'],
  ])('phone %s → %s', (input, masked) => expect(maskPhone(input)).toBe(masked));

  it.each([
    ['13812345678', '138****5678'],
    ['zhang.san@example.com', 'z***@example.com'],
    ['湖州市吴兴区某路1号', '湖*********'],
  ])('contact %s → %s', (input, masked) => expect(maskContact(input)).toBe(masked));

  const response = {
    items: [
      {
        id: 'L1',
        plate: '浙E12345',
        plateColor: 1,
        party: { ownerName: '张三', ownerType: 'PERSON', ownerIdNo: '330102199001011234', operatorId: null },
      },
      {
        id: 'L2',
        plate: '浙E22222',
        plateColor: 2,
        party: { ownerName: '湖州某运输有限公司', ownerType: 'COMPANY', ownerIdNo: '91330500MA2B3C4D5E' },
      },
    ],
    registration: { owner: { name: '张三', type: 'PERSON', idNo: '330102199001011234', phone: '13812345678' } },
    applicant: { name: '李四', type: 'PERSON', contact: '13900001111' },
    nothing: { phone: null },
  };

  it('masks a person’s id number, every phone and contact, wherever they are; a company’s credit code stays', () => {
    const masked = maskPersonalData(response);
    expect(masked.items[0]!.party.ownerIdNo).toBe('330102********1234');
    expect(masked.items[1]!.party.ownerIdNo).toBe('91330500MA2B3C4D5E');
    expect(masked.registration.owner).toEqual({
      name: '张三',
      type: 'PERSON',
      idNo: '330102********1234',
      phone: '138****5678',
    });
    expect(masked.applicant.contact).toBe('139****1111');
    expect(masked.nothing.phone).toBeNull();
    // The input is left as it was.
    expect(response.items[0]!.party.ownerIdNo).toBe('330102199001011234');
  });

  it('finds each personal value in full with its path and whose it is (the nearest plate or id)', () => {
    expect(findPersonalData(response)).toEqual([
      { path: 'items[0].party.ownerIdNo', field: 'ownerIdNo', subject: '1:浙E12345' },
      { path: 'registration.owner.idNo', field: 'idNo', subject: null },
      { path: 'registration.owner.phone', field: 'phone', subject: null },
      { path: 'applicant.contact', field: 'contact', subject: null },
    ]);
    expect(findPersonalData(maskPersonalData({ a: 1 }))).toEqual([]);
  });
});
