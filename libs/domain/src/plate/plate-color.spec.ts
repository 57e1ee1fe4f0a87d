import { parsePlateColor, PLATE_COLOR_CODES, plateColorName } from './plate-color';
import { parseVehicleKey, vehicleKey } from './vehicle-key';

describe('plate colours (§4.1)', () => {
  it.each([
    [0, 'BLUE'],
    [1, 'YELLOW'],
    [2, 'BLACK'],
    [3, 'WHITE'],
    [4, 'GREEN_GRADIENT'],
    [5, 'YELLOW_GREEN'],
    [6, 'BLUE_WHITE'],
    [7, 'TEMPORARY'],
    [11, 'GREEN'],
    [12, 'RED'],
  ] as const)('%i is %s, by code, numeric string or name in any case', (code, name) => {
    expect(plateColorName(code)).toBe(name);
    expect(parsePlateColor(code)).toBe(code);
    expect(parsePlateColor(String(code))).toBe(code);
    expect(parsePlateColor(` ${String(code)} `)).toBe(code);
    expect(parsePlateColor(name)).toBe(code);
    expect(parsePlateColor(name.toLowerCase())).toBe(code);
  });

  it.each([8, 9, 10, 13, -1, 1.5, NaN, '8', '01x', '', 'PURPLE', 'BLUE WHITE', '1.0'])('rejects %j', (input) => {
    expect(parsePlateColor(input)).toBeUndefined();
  });

  it('lists exactly the ten codes', () => {
    expect(PLATE_COLOR_CODES).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 11, 12]);
  });
});

describe('vehicleKey', () => {
  it('is "<code>:<plate>" with the plate normalised', () => {
    expect(vehicleKey(1, '浙E12345')).toBe('1:浙E12345');
    expect(vehicleKey(11, '浙a·d12345')).toBe('11:浙AD12345');
  });

  it('round-trips through parseVehicleKey', () => {
    expect(parseVehicleKey(vehicleKey(12, '浙E1234挂'))).toEqual({ plateColor: 12, plate: '浙E1234挂' });
    expect(parseVehicleKey('9:浙E12345')).toBeUndefined();
    expect(parseVehicleKey('1:')).toBeUndefined();
    expect(parseVehicleKey('浙E12345')).toBeUndefined();
  });
});
