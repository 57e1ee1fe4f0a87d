/**
 * §4.8: a natural person's name on a public posting keeps its first character and masks the rest
 * (张三 → 张*, 张三丰 → 张**, 欧阳娜娜 → 欧***); a company name is shown in full.
 */
export function maskOwnerName(name: string, type: 'PERSON' | 'COMPANY'): string {
  if (type === 'COMPANY') return name;
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(chars.length - 1, 1));
}
