/**
 * Personal data in staff responses (SPEC §4.8, docs/rules.md "Personal data"): a natural person's
 * identity number (身份证号), every phone and every credit-repair applicant's contact. Shown in full only
 * to the roles that need them (ADMIN); everyone else reads them masked, and every read in full is
 * audited. A company's 统一社会信用代码 is public register data (企业信息公示暂行条例) and stays as it is.
 */

/** 330102199001011234 → 330102********1234: the division of issue and the last four stay. */
export function maskIdNo(idNo: string): string {
  const chars = Array.from(idNo);
  if (chars.length >= 10) return chars.slice(0, 6).join('') + '*'.repeat(chars.length - 10) + chars.slice(-4).join('');
  if (chars.length > 4) return '*'.repeat(chars.length - 2) + chars.slice(-2).join('');
  return '*'.repeat(chars.length);
}

/**
 * 13812345678 → 138****5678: of the digits, the first three and the last four stay (punctuation
 * kept: 0572-2345678 → 057*-***5678); a number of fewer than eight digits keeps its last two.
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '').length;
  const keepHead = digits >= 8 ? 3 : 0;
  const keepTail = digits >= 8 ? 4 : Math.min(2, Math.max(digits - 1, 0));
  let seen = 0;
  return phone.replace(/\d/g, (d) => {
    seen += 1;
    return seen <= keepHead || seen > digits - keepTail ? d : '*';
  });
}

const PHONE_LIKE = /^\+?[\d\s\-()]{7,}$/;
const EMAIL_LIKE = /^([^@\s]+)@([^@\s]+)$/;

/**
 * A contact as staff typed it: a phone is masked as a phone, an e-mail keeps the first character of its
 * local part and the domain (z***@example.com), anything else (an address, a name) keeps its first
 * character only.
 */
export function maskContact(contact: string): string {
  const trimmed = contact.trim();
  if (PHONE_LIKE.test(trimmed)) return maskPhone(trimmed);
  const email = EMAIL_LIKE.exec(trimmed);
  if (email) return `${Array.from(email[1]!)[0]}***@${email[2]}`;
  const chars = Array.from(trimmed);
  return chars.length === 0 ? '' : chars[0] + '*'.repeat(Math.max(chars.length - 1, 1));
}

type Masker = (value: string) => string;

/**
 * The personal fields, by key, wherever they appear in a response: an identity number is masked unless
 * its sibling type field says COMPANY.
 */
const PERSONAL_FIELDS: Record<string, { mask: Masker; companyTypeKey?: string }> = {
  ownerIdNo: { mask: maskIdNo, companyTypeKey: 'ownerType' },
  idNo: { mask: maskIdNo, companyTypeKey: 'type' },
  phone: { mask: maskPhone },
  ownerPhone: { mask: maskPhone },
  contactPhone: { mask: maskPhone },
  contact: { mask: maskContact },
  applicantContact: { mask: maskContact },
};

/** One personal value in a response: where, which field, and whose (the nearest plate or record id). */
export interface PersonalDataField {
  path: string;
  field: string;
  subject: string | null;
}

type Json = unknown;

/** Only parsed JSON is walked: plain objects and arrays (a Buffer or a stream passes as it is). */
const isPlainObject = (v: Json): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;

function isPersonal(key: string, value: Json, holder: Record<string, unknown>): boolean {
  const rule = PERSONAL_FIELDS[key];
  if (!rule || typeof value !== 'string' || value.length === 0) return false;
  return !(rule.companyTypeKey && holder[rule.companyTypeKey] === 'COMPANY');
}

function subjectOf(holder: Record<string, unknown>, inherited: string | null): string | null {
  if (typeof holder.plate === 'string' && holder.plateColor !== undefined) {
    return `${String(holder.plateColor)}:${holder.plate}`;
  }
  if (typeof holder.id === 'string') return holder.id;
  return inherited;
}

/** A copy of a response with every personal value masked (the input is not changed). */
export function maskPersonalData<T>(value: T): T {
  const walk = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(walk);
    if (!isPlainObject(v)) return v;
    const holder = v;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(holder)) {
      out[key] = isPersonal(key, child, holder) ? PERSONAL_FIELDS[key]!.mask(child as string) : walk(child);
    }
    return out;
  };
  return walk(value) as T;
}

/** Every personal value a response holds in full (what a read of it discloses, for the audit log). */
export function findPersonalData(value: Json): PersonalDataField[] {
  const found: PersonalDataField[] = [];
  const walk = (v: Json, path: string, subject: string | null): void => {
    if (Array.isArray(v)) {
      v.forEach((child, i) => walk(child, `${path}[${i}]`, subject));
      return;
    }
    if (!isPlainObject(v)) return;
    const holder = v;
    const own = subjectOf(holder, subject);
    for (const [key, child] of Object.entries(holder)) {
      const p = path ? `${path}.${key}` : key;
      if (isPersonal(key, child, holder)) found.push({ path: p, field: key, subject: own });
      else walk(child, p, own);
    }
  };
  walk(value, '', null);
  return found;
}
