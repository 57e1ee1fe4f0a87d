import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';

/** 当事人: the party named in the decision (the vehicle's owner or operator). */
export class PublicationPartyDto {
  @MaxLength(100)
  @MinLength(1)
  @IsString()
  name!: string;

  @IsIn(['PERSON', 'COMPANY'], { message: 'party.type must be PERSON or COMPANY' })
  type!: 'PERSON' | 'COMPANY';
}

/**
 * POST /v1/listings/:id/publication-proposal (OFFICER): 决定书文号, the legal basis and, optionally, the
 * party named in the decision — the posting shows it (a natural person's name masked, 张*).
 */
export class PublicationProposalDto {
  @MaxLength(100)
  @MinLength(1)
  @IsString()
  decisionNo!: string;

  @MaxLength(2000)
  @MinLength(1)
  @IsString()
  legalBasis!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => PublicationPartyDto)
  party?: PublicationPartyDto;
}

/** POST /v1/listings/:id/publication-review and /v1/credit-repairs/:id/review: 审核 with an opinion. */
export class ReviewDecisionDto {
  @IsBoolean({ message: 'approve must be true or false' })
  approve!: boolean;

  @MaxLength(2000)
  @MinLength(1)
  @IsString()
  opinion!: string;
}
