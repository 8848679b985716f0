/**
 * Reads a Dockerfile into stages and instructions the way BuildKit's parser splits them: parser directives,
 * comments, `\` line continuations, JSON (exec) or shell form arguments. It does not build anything.
 */
import { readFileSync } from 'node:fs';

export interface Instruction {
  keyword: string;
  /** The arguments as written (continuations joined). */
  args: string;
  line: number;
}

export interface Stage {
  image: string;
  name?: string;
  platform?: string;
  instructions: Instruction[];
}

export class Dockerfile {
  private constructor(
    readonly path: string,
    readonly directives: Record<string, string>,
    readonly preamble: Instruction[],
    readonly stages: Stage[],
  ) {}

  static read(path: string): Dockerfile {
    return Dockerfile.parse(readFileSync(path, 'utf8'), path);
  }

  static parse(text: string, path = 'Dockerfile'): Dockerfile {
    const lines = text.split('\n');
    const directives: Record<string, string> = {};
    let i = 0;
    // Parser directives come first, before any comment, blank line or instruction.
    for (; i < lines.length; i++) {
      const directive = /^#\s*(\w+)\s*=\s*(\S+)\s*$/.exec(lines[i]);
      if (!directive) break;
      directives[directive[1].toLowerCase()] = directive[2];
    }
    const instructions: Instruction[] = [];
    for (; i < lines.length; i++) {
      const start = i;
      if (/^\s*(#|$)/.test(lines[i])) continue;
      // A trailing backslash continues the instruction; comment lines inside it are dropped, as BuildKit does.
      const parts = [lines[i].trim()];
      while (/\\$/.test(parts[parts.length - 1]) && i + 1 < lines.length) {
        parts[parts.length - 1] = parts[parts.length - 1].replace(/\\$/, '').trim();
        i++;
        while (i < lines.length && /^\s*#/.test(lines[i])) i++;
        parts.push((lines[i] ?? '').trim());
      }
      const line = parts.filter((p) => p).join(' ');
      const match = /^\s*(\w+)\s*(.*)$/.exec(line);
      if (!match) throw new Error(`${path}:${start + 1}: cannot read "${line}"`);
      instructions.push({ keyword: match[1].toUpperCase(), args: match[2].trim(), line: start + 1 });
    }
    const preamble: Instruction[] = [];
    const stages: Stage[] = [];
    for (const instruction of instructions) {
      if (instruction.keyword === 'FROM') {
        const from = /^(?:--platform=(\S+)\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
        if (!from) throw new Error(`${path}:${instruction.line}: cannot read FROM ${instruction.args}`);
        stages.push({ platform: from[1], image: from[2], name: from[3], instructions: [] });
      } else if (stages.length === 0) {
        preamble.push(instruction);
      } else {
        stages[stages.length - 1].instructions.push(instruction);
      }
    }
    return new Dockerfile(path, directives, preamble, stages);
  }

  get finalStage(): Stage {
    const stage = this.stages[this.stages.length - 1];
    if (!stage) throw new Error(`${this.path} has no FROM`);
    return stage;
  }

  stage(name: string): Stage {
    const stage = this.stages.find((s) => s.name === name);
    if (!stage) throw new Error(`${this.path} has no stage ${name}`);
    return stage;
  }

  static all(stage: Stage, keyword: string): Instruction[] {
    return stage.instructions.filter((i) => i.keyword === keyword);
  }

  /** ENV of a stage as a map (both `ENV K=V K2="V 2"` and the legacy `ENV K V`). */
  static env(stage: Stage): Record<string, string> {
    const env: Record<string, string> = {};
    for (const { args } of Dockerfile.all(stage, 'ENV')) {
      if (!/^[\w.-]+=/.test(args)) {
        const [key, ...rest] = args.split(/\s+/);
        env[key] = rest.join(' ');
        continue;
      }
      for (const pair of args.matchAll(/([\w.-]+)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
        env[pair[1]] = pair[2].startsWith('"') ? (JSON.parse(pair[2]) as string) : pair[2];
      }
    }
    return env;
  }

  /** The exec-form (JSON array) arguments of an instruction such as CMD or HEALTHCHECK ... CMD [...]. */
  static execForm(args: string): string[] | undefined {
    const json = /(\[.*\])\s*$/.exec(args)?.[1];
    if (!json) return undefined;
    try {
      const parsed: unknown = JSON.parse(json);
      return Array.isArray(parsed) && parsed.every((p) => typeof p === 'string') ? (parsed as string[]) : undefined;
    } catch {
      return undefined;
    }
  }
}
