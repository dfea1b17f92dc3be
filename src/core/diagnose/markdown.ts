/** Markdown escaping for untrusted text (error output, banners, hostnames). */

/** A fenced code block whose fence is longer than any backtick run inside, so the text cannot break out. */
export function fenced(text: string, language = 'text'): string {
  let longest = 0;
  let run = 0;
  for (const ch of text) {
    run = ch === '`' ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${text.replace(/\r\n?/g, '\n')}\n${fence}`;
}

/** Escapes inline text so Markdown punctuation, HTML, links and table pipes render literally (also for table cells). */
export function inline(text: string): string {
  // Brackets are escaped, so parentheses can no longer form a link; line-start
  // markers (#, -, 1.) cannot occur because inline text never starts a line.
  return text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`);
}

/** Inline code span that cannot be broken by backticks inside. */
export function code(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  let longest = 0;
  let run = 0;
  for (const ch of flat) {
    run = ch === '`' ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  const ticks = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}
