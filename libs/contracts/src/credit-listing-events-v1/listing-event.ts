import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Min } from 'class-validator';
import { LISTING_EVENT_TYPES, POSTING_END_REASONS, type ListingEvent, type ListingEventType } from '@oc/domain';
import { Doc, IsDateTimeWithOffset, IsPlate, IsPlateColorCode } from '../message-rules';

export type { ListingEventType };

/** `<listing id>:<type>`: one event per step of a listing, the same id on every redelivery. */
export const listingEventIdPattern = (): RegExp =>
  new RegExp(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:(${LISTING_EVENT_TYPES.join('|')})$`);

/** `credit.listing-events.v1` (SPEC §5), key = vehicle key "<plateColorCode>:<plate>". */
export class ListingEventV1 implements ListingEvent {
  @Doc('"<listingId>:<type>": the same on every redelivery; deduplicate on it')
  @Matches(listingEventIdPattern())
  @IsString()
  eventId!: string;

  @Doc(
    'PENDING: listed, in its notice period (turns no one back); LISTED: in effect (turn-back); PUBLISHED: ' +
      'posted (失信公示); POSTING_WITHDRAWN: the posting ended (reason); REPAIRED, EXPIRED, REVOKED, WITHDRAWN: ' +
      'the listing ended',
  )
  @IsIn(LISTING_EVENT_TYPES)
  type!: ListingEventType;

  @IsUUID('all')
  listingId!: string;

  @IsPlate({ unknown: false })
  @IsString()
  plate!: string;

  @IsPlateColorCode()
  plateColor!: number;

  /**
   * When the change took effect (listedAt for PENDING, effectiveAt for LISTED, publishedAt for PUBLISHED,
   * the withdrawal for POSTING_WITHDRAWN, the end for the others).
   */
  @Doc(
    'when the change took effect: listedAt for PENDING, effectiveAt for LISTED, publishedAt for PUBLISHED, ' +
      'the withdrawal for POSTING_WITHDRAWN, the end for the others',
  )
  @IsDateTimeWithOffset('at')
  @IsString()
  at!: string;

  @Doc('counted acts (trips), not weighings')
  @Min(0)
  @IsInt()
  violationCount!: number;

  @Doc('POSTING_WITHDRAWN only: why the posting ended')
  @IsOptional()
  @IsIn(POSTING_END_REASONS)
  reason?: string;
}
