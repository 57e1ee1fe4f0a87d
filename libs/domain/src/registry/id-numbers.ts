/**
 * The two identity numbers a vehicle's owner can have: a citizen's 公民身份号码 (GB 11643-1999, 18
 * characters, ISO 7064 MOD 11-2 check character) and an organisation's 统一社会信用代码 (GB 32100-2015,
 * 18 characters of 0-9 A-H J-N P-R T-U W-Y, MOD 31 check character). A number that fails its check
 * character is a typing error the registry must not pass on as someone's identity.
 */

const CITIZEN_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CITIZEN_CHECK = '10X98765432';

/** The check character of the first 17 digits of a 身份证号. */
export function citizenIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * CITIZEN_WEIGHTS[i];
  return CITIZEN_CHECK[sum % 11];
}

export function isCitizenIdNo(value: string): boolean {
  if (!/^\d{17}[\dX]$/.test(value)) return false;
  // The birth date (digits 7-14) must exist: 30 February or 31 April is a typing error.
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  const born = new Date(Date.UTC(year, month - 1, day));
  if (year < 1800 || born.getUTCMonth() !== month - 1 || born.getUTCDate() !== day) return false;
  return citizenIdCheckChar(value.slice(0, 17)) === value[17];
}

const CREDIT_CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character of the first 17 characters of a 统一社会信用代码. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CODE_CHARS.indexOf(first17[i]) * CREDIT_CODE_WEIGHTS[i];
  return CREDIT_CODE_CHARS[(31 - (sum % 31)) % 31];
}

export function isUnifiedSocialCreditCode(value: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(value)) return false;
  return creditCodeCheckChar(value.slice(0, 17)) === value[17];
}
