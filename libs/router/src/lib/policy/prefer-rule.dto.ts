import { IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';

/** One `prefer` entry: nodes matching `selector` get `weight` added to their score. */
export class PreferRuleDto {
  @IsString() @IsNotEmpty({ message: 'selector must be a label selector such as "gpu=true"' })
  selector!: string;

  /** Score points added (negative to steer away); the default is 10 (a score's other terms total 110 at most). */
  @IsOptional() @IsInt({ message: 'weight must be an integer between -100 and 100' }) @Min(-100) @Max(100)
  weight?: number;
}
