/** Fills `{host}`, `{port}`, `{url}`, `{value}` and `{root.path}` placeholders of knowledge-base texts. */
import type { Target } from '../types';
import { urlHost } from '../target/address';
import { readPath } from './path';
import type { EvalRoots } from './predicate';

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]{0,40}(?:[.[][A-Za-z0-9_*\]]{0,80}){0,12})\}/g;

/** The URL the verify commands use: the target's, else one built from host and port. */
export function targetUrl(target: Target): string {
  if (target.url) return target.url;
  const host = urlHost(target.host);
  const scheme = target.port === 443 || target.port === 8443 ? 'https' : 'http';
  return `${scheme}://${host}:${target.port}/`;
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
