import { IsBoolean, IsString, MaxLength, MinLength } from 'class-validator';

/**
 * POST /v1/listings/:id/publication-proposal (OFFICER): 决定书文号 and the legal basis. The party named in
 * the decision is the listing's, from the vehicle registry (SPEC §4.9), not typed in here.
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
