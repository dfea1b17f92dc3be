/**
 * Renders a verification command (programs and arguments as data) for the
 * shell it will run in. Every argument is quoted for that shell, so text from
 * the output (a host, a URL) is one argument and nothing else; an argument
 * that cannot be quoted safely withholds the whole command, with the reason.
 */
import type { CommandWord, VerifyCommand } from '../types';

/** The quoting rules Connection Doctor knows: POSIX sh (also bash, dash, zsh), PowerShell, cmd.exe. */
export type Dialect = 'sh' | 'pwsh' | 'cmd';

/** A rendered command line, or why it is withheld. */
export type Rendered = { text: string } | { withheld: string };

/** What a command needs to be rendered: its shell family, stages and redirections. */
export type CommandShape = Pick<VerifyCommand, 'shell' | 'pipeline' | 'stdinNull' | 'stderr' | 'repeat'>;

/** Longest argument rendered; longer ones withhold the command. */
const MAX_WORD = 4096;
// C0 and C1 controls and DEL (a newline would end the command line, an escape would reach the terminal),
// and the invisible and bidirectional marks that would make the shown command differ from the one run.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;
/** Words sh takes literally without quotes (no glob, tilde, brace, equals or history character). */
const SH_BARE = /^[A-Za-z0-9_@%+:,./-][A-Za-z0-9_@%+=:,./-]*$/;
/** Words PowerShell takes literally in argument mode: an option or parameter name, or a plain word. */
const PWSH_BARE = /^(?:--?[A-Za-z][A-Za-z0-9_-]*|[A-Za-z0-9_]+)$/;
/** Quote characters PowerShell treats as a single quote (it doubles all four). */
const PWSH_SINGLE_QUOTES = /['\u2018\u2019\u201a\u201b]/g;
/** Words cmd.exe passes through untouched. */
const CMD_BARE = /^[A-Za-z0-9_./:+-]+$/;
const PROGRAM = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Quotes one argument for a dialect, or says why it cannot be. */
export function quoteWord(word: CommandWord, dialect: Dialect): Rendered {
  if (typeof word !== 'string') {
    if (!ENV_NAME.test(word.env)) return { withheld: 'an environment variable name is not plain' };
    return { text: dialect === 'sh' ? `"$${word.env}"` : dialect === 'pwsh' ? `$env:${word.env}` : `"%${word.env}%"` };
  }
  if (word.length > MAX_WORD) return { withheld: 'an argument is too long to show' };
  if (CONTROL.test(word)) return { withheld: 'an argument contains control characters (a newline or an escape)' };
  switch (dialect) {
    case 'sh':
      if (SH_BARE.test(word)) return { text: word };
      // Inside single quotes nothing is special; a quote itself is closed, escaped and reopened.
      return { text: word.split("'").map((part) => (part === '' ? '' : `'${part}'`)).join("\\'") || "''" };
    case 'pwsh':
      if (PWSH_BARE.test(word)) return { text: word };
      if (word === '') return { withheld: 'an empty argument does not reach the program in Windows PowerShell' };
      // Windows PowerShell re-splits native arguments at embedded double quotes.
      if (word.includes('"')) return { withheld: 'an argument contains a double quote, which PowerShell passes on unreliably' };
      return { text: `'${word.replace(PWSH_SINGLE_QUOTES, (q) => q + q)}'` };
    case 'cmd':
      if (CMD_BARE.test(word)) return { text: word };
      // cmd.exe expands %VAR% and !VAR! even inside quotes and has no escape for a quote within one.
      if (/["%!]/.test(word) || word.endsWith('\\') || word === '') return { withheld: 'an argument contains a quote, % or ! that cmd.exe cannot quote' };
      return { text: `"${word}"` };
  }
}

/** Renders a whole command for one dialect: stages joined by pipes, redirections and repetition in its syntax. */
export function renderCommand(cmd: CommandShape, dialect: Dialect): Rendered {
  if (cmd.shell === 'powershell' && dialect !== 'pwsh') return { withheld: 'a PowerShell command' };
  if (cmd.pipeline.length === 0 || cmd.pipeline.some((stage) => stage.length === 0)) return { withheld: 'an empty command' };
  const stages: string[] = [];
  for (const [i, stage] of cmd.pipeline.entries()) {
    const words: string[] = [];
    for (const [j, word] of stage.entries()) {
      // A plain program name stays bare: PowerShell would otherwise need its call operator.
      const q = j === 0 && typeof word === 'string' && PROGRAM.test(word) ? { text: word } : quoteWord(word, dialect);
      if ('withheld' in q) return q;
      words.push(q.text);
    }
    // PowerShell runs a quoted first word only through the call operator.
    if (dialect === 'pwsh' && words[0].startsWith("'")) words.unshift('&');
    if (i === 0) words.push(...redirections(cmd, dialect));
    stages.push(words.join(' '));
  }
  let line = stages.join(' | ');
  if (dialect === 'pwsh' && cmd.stdinNull) line = `$null | ${line}`;
  const times = cmd.repeat ?? 1;
  if (times > 1) {
    if (!Number.isInteger(times) || times > 1000) return { withheld: 'a repeat count that is not a small whole number' };
    if (dialect === 'cmd') return { withheld: 'a repeated command, which cmd.exe cannot loop on one line safely' };
    line = dialect === 'sh' ? `for i in $(seq ${times}); do ${line}; done` : `1..${times} | ForEach-Object { ${line} }`;
  }
  return { text: line };
}

function redirections(cmd: CommandShape, dialect: Dialect): string[] {
  const nul = dialect === 'sh' ? '/dev/null' : dialect === 'pwsh' ? '$null' : 'NUL';
  const out: string[] = [];
  if (cmd.stdinNull && dialect !== 'pwsh') out.push(`<${nul}`);
  if (cmd.stderr === 'null') out.push(`2>${nul}`);
  if (cmd.stderr === 'stdout') out.push('2>&1');
  return out;
}

/** The dialect a shell program speaks, from its path or name (`/usr/bin/zsh`, `pwsh.exe`), or null when unknown. */
export function dialectOf(shellPath: string): Dialect | null {
  const name = shellPath.split(/[\\/]/).pop()?.toLowerCase().replace(/\.exe$/, '') ?? '';
  if (['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'busybox'].includes(name)) return 'sh';
  if (name === 'pwsh' || name === 'powershell') return 'pwsh';
  if (name === 'cmd') return 'cmd';
  return null;
}

/** The dialect a command is shown in: its own shell family's. */
export function displayDialect(cmd: Pick<VerifyCommand, 'shell'>): Dialect {
  return cmd.shell === 'powershell' ? 'pwsh' : 'sh';
}

/** The line a report shows for a command: its text, or why it is withheld. */
export function shownLine(cmd: Pick<VerifyCommand, 'text' | 'withheld'>): string {
  return cmd.text ?? `(not shown: ${cmd.withheld ?? 'it cannot be quoted safely'})`;
}
