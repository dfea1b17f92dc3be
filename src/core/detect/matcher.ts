/**
 * Compiles the rule files once into a matcher: a byte prefilter for the stream, one
 * keyword alternation per candidate line, and each rule's patterns only for the rules
 * whose keywords the line contains.
 */
import type { Category } from '../types';
import { validateRuleFile } from '../knowledge/ruleSchema';
import type { DetectionRule, RuleFile } from '../knowledge/ruleSchema';
import { ByteFilter } from './byteFilter';
import { RULE_FILES } from './ruleFiles';

/** A rule ready to run. */
export interface CompiledRule {
  id: string;
  category: Category;
  also: Category[];
  ecosystem: string | null;
  priority: number;
  code: string | null;
  syscall: string | null;
  /** Literal substrings (case-insensitive), one of which every line the patterns match contains. */
  keywords: string[];
  patterns: RegExp[];
}

/** What one line matched: the strongest rule, and the categories of the others. */
export interface LineMatch {
  rule: CompiledRule;
  /** Index of the pattern that matched, so a repeat of the same wording can be told apart. */
  pattern: number;
  code: string | null;
  syscall: string | null;
  otherCategories: Category[];
}

// Source code and configuration name errors without having them: `except X:`, `if (err.code ===`,
// `case 'ECONNRESET':`, object keys holding quoted messages (`includes: "dial tcp ..."`).
/** Lines of source code or configuration: never failures, whatever they name. */
export const SOURCE_CODE = /^\s*(?:except\b|catch\b|} ?catch\b|if\s?\(|elif\b|else if\b|case\s|when\s|rescue\b|[A-Za-z_$][\w$]{0,40}\s?:\s?["`].*["`],?\s*$)/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The compiled rule set. */
export class RuleMatcher {
  readonly rules: CompiledRule[];
  readonly byteFilter: ByteFilter;
  private readonly keywordRe: RegExp;
  private readonly rulesByKeyword = new Map<string, CompiledRule[]>();
  /** For each keyword: the rules of every keyword that is a prefix of it (itself included). */
  private readonly rulesAtMatch = new Map<string, CompiledRule[]>();

  constructor(files: ReadonlyArray<{ name: string; data: unknown }>) {
    const rules: CompiledRule[] = [];
    const keywords = new Set<string>();
    for (const file of files) {
      const errors = validateRuleFile(file.data, file.name);
      if (errors.length > 0) throw new Error(`invalid detection rules:\n${errors.join('\n')}`);
      for (const rule of (file.data as RuleFile).rules) {
        const compiled = compileRule(rule);
        rules.push(compiled);
        for (const keyword of rule.keywords) {
          const key = keyword.toLowerCase();
          keywords.add(key);
          const list = this.rulesByKeyword.get(key) ?? [];
          if (!list.includes(compiled)) list.push(compiled);
          this.rulesByKeyword.set(key, list);
        }
      }
    }
    this.rules = rules;
    this.byteFilter = new ByteFilter([...keywords]);
    // Longest first so that overlapping keywords all get a chance via the candidate set below.
    const sorted = [...keywords].sort((a, b) => b.length - a.length);
    this.keywordRe = new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
    // The alternation reports the longest keyword at a position; the others there are its prefixes.
    for (const keyword of sorted) {
      const rulesHere = new Set<CompiledRule>();
      for (const [other, list] of this.rulesByKeyword) if (keyword.startsWith(other)) for (const r of list) rulesHere.add(r);
      this.rulesAtMatch.set(keyword, [...rulesHere]);
    }
  }

  /** The strongest rule that matches a visible line, or null. */
  matchLine(text: string): LineMatch | null {
    const lower = text.toLowerCase();
    const candidates = this.candidateRules(lower);
    if (candidates === null || SOURCE_CODE.test(text)) return null;
    let best: LineMatch | null = null;
    const others: Category[] = [];
    for (const rule of candidates) {
      for (let p = 0; p < rule.patterns.length; p++) {
        const m = rule.patterns[p].exec(text);
        if (m === null) continue;
        if (best === null || rule.priority > best.rule.priority) {
          if (best !== null) others.push(best.rule.category);
          best = { rule, pattern: p, code: m.groups?.code ?? rule.code, syscall: m.groups?.syscall ?? rule.syscall, otherCategories: others };
        } else {
          others.push(rule.category);
        }
        break;
      }
    }
    if (best !== null) best.otherCategories = [...new Set(others)].filter((c) => c !== best.rule.category);
    return best;
  }

  private candidateRules(lower: string): Set<CompiledRule> | null {
    let found: Set<CompiledRule> | null = null;
    const re = this.keywordRe;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(lower)) !== null) {
      // Keywords can overlap ("connection reset" inside "connection reset by peer"): try every start.
      const rules = this.rulesAtMatch.get(m[0]);
      if (rules !== undefined) {
        found ??= new Set();
        for (const r of rules) found.add(r);
      }
      re.lastIndex = m.index + 1;
    }
    return found;
  }
}

function compileRule(rule: DetectionRule): CompiledRule {
  const flags = rule.ignoreCase === true ? 'i' : '';
  return {
    id: rule.id,
    category: rule.category,
    also: rule.also ?? [],
    ecosystem: rule.ecosystem ?? null,
    priority: rule.priority ?? 50,
    code: rule.code ?? null,
    syscall: rule.syscall ?? null,
    keywords: [...rule.keywords],
    patterns: rule.patterns.map((p) => new RegExp(p, flags)),
  };
}

let shared: RuleMatcher | null = null;

/** The matcher over the bundled rules, compiled on first use. */
export function bundledMatcher(): RuleMatcher {
  shared ??= new RuleMatcher(RULE_FILES);
  return shared;
}
