import { Type } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';

/**
 * 决定书 contents (SPEC §4.4): 事由, 依据, 惩戒措施, 移出条件和程序, 救济途径, and the repair notice
 * (信用修复告知) served with it. Omitted: the standard texts of docs/rules.md are used.
 */
export class DecisionContentsDto {
  @MaxLength(4000) @MinLength(1) @IsString() grounds!: string;
  @MaxLength(4000) @MinLength(1) @IsString() basis!: string;
  @MaxLength(4000) @MinLength(1) @IsString() measures!: string;
  @MaxLength(4000) @MinLength(1) @IsString() removal!: string;
  @MaxLength(4000) @MinLength(1) @IsString() remedies!: string;
  @MaxLength(4000) @MinLength(1) @IsString() repairNotice!: string;
}

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

  @IsOptional()
  @ValidateNested()
  @Type(() => DecisionContentsDto)
  contents?: DecisionContentsDto;
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
