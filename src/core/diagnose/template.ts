/** Fills `{host}`, `{port}`, `{hostport}`, `{url}`, `{value}` and `{root.path}` placeholders of knowledge-base texts and commands. */
import type { VerifyEntry } from '../knowledge/causeSchema';
import { displayDialect, renderCommand } from '../shell/render';
import type { CommandWord, Target, VerifyCommand } from '../types';
import { maskSecrets } from './mask';
import { hostPort, urlHost } from '../target/address';
import { readPath } from './path';
import type { EvalRoots } from './predicate';

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]{0,40}(?:[.[][A-Za-z0-9_*\]]{0,80}){0,12})\}/g;

function hostPortOf(target: Target): string {
  return hostPort(target.host, target.port);
}

/** The URL the verify commands use: the target's when it is http(s), else one built from host and port. */
export function targetUrl(target: Target): string {
  if (target.url && /^https?:\/\//i.test(target.url)) return target.url;
  const scheme = target.port === 443 || target.port === 8443 ? 'https' : 'http';
  return `${scheme}://${urlHost(target.host)}:${target.port}/`;
}

function show(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map((v) => show(v) ?? '?').join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Replaces placeholders; unknown ones become '?'. */
export function fillTemplate(text: string, target: Target, roots: EvalRoots, value?: unknown): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    switch (name) {
      case 'host':
        return target.host;
      case 'port':
        return String(target.port);
      case 'hostport':
        return hostPortOf(target);
      case 'url':
        return targetUrl(target);
      case 'scheme':
        return target.scheme ?? 'tcp';
      case 'value':
        return show(value) ?? '?';
    }
    const dot = name.search(/[.[]/);
    if (dot < 0) return whole;
    const root = name.slice(0, dot) as keyof EvalRoots;
    if (!(root in roots)) return whole;
    const path = name.slice(dot).replace(/^\./, '');
    return show(readPath(roots[root], path)[0]) ?? '?';
  });
}

/**
 * Fills a knowledge-base command once, word by word: each word stays one
 * argument whatever the target holds, credentials in it are masked, and it is
 * rendered for its own shell family to be shown (or withheld with the reason).
 */
export function fillCommand(entry: VerifyEntry, target: Target, roots: EvalRoots): VerifyCommand {
  let withheld: string | undefined;
  const fill = (word: CommandWord): CommandWord => {
    if (typeof word !== 'string') return word;
    const filled = maskSecrets(fillTemplate(word, target, roots));
    // A value from the output that starts with '-' would be read as an option by the program.
    if (filled.startsWith('-') && !word.startsWith('-')) withheld ??= 'a value from the output starts with "-" and would be read as an option';
    return filled;
  };
  const cmd: VerifyCommand = { shell: entry.shell ?? 'posix', pipeline: [entry.run, ...(entry.pipe ?? [])].map((stage) => stage.map(fill)), text: null };
  if (entry.stdin === 'null') cmd.stdinNull = true;
  if (entry.stderr) cmd.stderr = entry.stderr;
  if (entry.repeat) cmd.repeat = entry.repeat;
  const shown = withheld ? { withheld } : renderCommand(cmd, displayDialect(cmd));
  if ('text' in shown) cmd.text = shown.text;
  else cmd.withheld = shown.withheld;
  return cmd;
}
