/**
 * The sealed validation split of the corpus, fixed by source before any rule is written from the
 * samples it holds. Samples in `test/fixtures/corpus/collected/` are split by the project (GitHub
 * repository) or the page they come from, so that two samples of one thread or one project always land
 * on the same side: rules may be written from the development side only; the sealed side is only
 * measured (bench and the aggregate floor in test/unit/detect/corpusValidation.test.ts).
 *
 * samples.jsonl and extra.jsonl predate the split: the rules were written from them, so they are
 * development samples whatever their source.
 */

/** Share of sources, in percent, that are sealed. */
export const SEALED_PERCENT = 30;

/**
 * The project or thread a sample's `source` names: `owner/repo` for GitHub (`owner/repo#N` or a
 * github.com URL), otherwise the host name and the first two path segments (one Q&A thread or page).
 */
export function sourceKey(source: string): string {
  const s = source.trim().toLowerCase();
  const short = /^([a-z0-9_.-]+\/[a-z0-9_.-]+)#\d+$/.exec(s);
  if (short) return short[1];
  const github = /^https?:\/\/(?:www\.)?github\.com\/([a-z0-9_.-]+\/[a-z0-9_.-]+)/.exec(s);
  if (github) return github[1];
  const url = /^[a-z][a-z0-9+.-]*:\/\/(?:www\.)?([^/?#:]+)(?::\d+)?((?:\/[^/?#]+){0,2})/.exec(s);
  return url ? url[1] + url[2] : s;
}

/** FNV-1a over the UTF-16 code units: stable across Node versions and machines. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** True when a collected sample from this source belongs to the sealed validation part. */
export function isSealed(source: string): boolean {
  return fnv1a(sourceKey(source)) % 100 < SEALED_PERCENT;
}
