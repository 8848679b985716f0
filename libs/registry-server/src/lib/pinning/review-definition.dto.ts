import { IsOptional, IsString } from 'class-validator';

/** Body of approve/reject: the proposed hash the operator reviewed, so a newer proposal is not approved blindly. */
export class ReviewDefinitionDto {
  @IsOptional()
  @IsString()
  hash?: string;
}
