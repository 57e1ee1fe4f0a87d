import type { CompanyNoticeDocument, NoticeDocument } from '@oc/domain';

/**
 * `credit.notices.v1` (SPEC §4.10), key = vehicle key: a notice for the notification channel (SMS
 * gateway, post). The channel answers on `credit.notice-receipts.v1` once it was delivered.
 */
export interface NoticeMessageV1 {
  noticeId: string;
  noticeNo: string;
  listingId: string;
  plate: string;
  plateColor: number;
  issuedAt: string;
  /** The registered party's contact, when the registry has one; null → service by announcement. */
  contactPhone: string | null;
  document: NoticeDocument;
}

/**
 * `credit.company-notices.v1`, key = operatorId: a company listing's notice (SPEC §4.9) for the
 * notification channel. Its receipt comes back on `credit.notice-receipts.v1` like a vehicle's.
 */
export interface CompanyNoticeMessageV1 {
  noticeId: string;
  noticeNo: string;
  companyListingId: string;
  operatorId: string;
  issuedAt: string;
  document: CompanyNoticeDocument;
}
