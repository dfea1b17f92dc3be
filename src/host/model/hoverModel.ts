/**
 * The hover as a plain model and its Markdown (pure, no 'vscode'). The host wraps
 * the Markdown in a MarkdownString that trusts only the commands it links.
 */
import { code, fenced, inline } from '../../core/diagnose/markdown';
import { maskSecrets } from '../../core/diagnose/mask';
import { shownLine } from '../../core/shell/render';
import type { Category, Incident, RankedCause } from '../../core/types';
import type { IncidentCommandArgs } from './commandIds';
import { Commands, commandUri } from './commandIds';
import type { Translate } from './wording';
import { categoryTitle, targetLabel } from './wording';

/** Most causes listed in a hover (the panel shows the rest). */
export const HOVER_CAUSES = 3;

/** What the hover shows about one failure line. */
export interface HoverModel {
  category: Category;
  title: string;
  /** One sentence: what the category means. */
  meaning: string;
  target: string | null;
  errorCode: string | null;
  causes: ReadonlyArray<{ title: string; confidence: number }>;
  /** Arguments of the command links (the failure text, detected again on click). */
  args: IncidentCommandArgs;
}

/** Builds the model from the detected incident, its meaning and the offline-ranked causes. */
export function hoverModelOf(
  incident: Incident,
  meaning: string,
  causes: readonly RankedCause[],
  source: string,
  t: Translate,
): HoverModel {
  return {
    category: incident.category,
    title: categoryTitle(incident.category, t),
    meaning,
    target: maskOrNull(targetLabel(incident.host, incident.port)),
    errorCode: incident.code,
    causes: causes.slice(0, HOVER_CAUSES).map((c) => ({ title: c.title, confidence: c.confidence })),
    // The links carry the text to the command: masked too, as the diagnosis finds its target without credentials.
    args: { text: maskSecrets(incident.text), source, sourceKind: 'file' },
  };
}

/** The commands the hover links (and the only ones its MarkdownString trusts). */
export const HOVER_COMMANDS = [Commands.diagnose, Commands.explain] as const;

/** Renders the model; every piece of output text is escaped. */
export function hoverMarkdown(model: HoverModel, t: Translate): string {
  const lines: string[] = [];
  const head = [`**${inline(model.title)}**`];
  if (model.target) head.push(code(model.target));
  if (model.errorCode) head.push(`(${code(model.errorCode)})`);
  lines.push(`$(debug-disconnect) ${head.join(' ')}`, '', inline(model.meaning), '');
  if (model.causes.length > 0) {
    lines.push(`**${inline(t('Likely causes'))}** ${inline(t('(before any probe)'))}`, '');
    for (const c of model.causes) lines.push(`- ${inline(c.title)} — ${Math.round(c.confidence * 100)}%`);
    lines.push('');
  }
  const diagnose = `[$(pulse) ${inline(t('Diagnose this connection'))}](${commandUri(Commands.diagnose, model.args)} "${t('Probe the host and rank the causes')}")`;
  const explain = `[$(book) ${inline(t('Explain'))}](${commandUri(Commands.explain, model.args)} "${t('Open the explanation')}")`;
  lines.push(`${diagnose} · ${explain}`);
  return lines.join('\n');
}

/** The "Explain" document: what the failure means and the likely causes with their fixes, before any probe. */
export function explanationMarkdown(incident: Incident, meaning: string, causes: readonly RankedCause[], t: Translate): string {
  const out: string[] = [];
  const target = maskOrNull(targetLabel(incident.host, incident.port));
  out.push(`# ${inline(categoryTitle(incident.category, t))}${target ? ` — ${code(target)}` : ''}`, '');
  out.push(inline(meaning), '');
  out.push(`## ${inline(t('The failure'))}`, '', fenced(maskSecrets(incident.text)), '');
  if (causes.length === 0) {
    out.push(inline(t('No cause in the knowledge base matches this failure yet. Run "Diagnose connection" to probe the host.')));
    return out.join('\n');
  }
  out.push(`## ${inline(t('Likely causes (before any probe)'))}`, '');
  causes.forEach((c, i) => {
    out.push(`### ${i + 1}\\. ${inline(c.title)} — ${Math.round(c.confidence * 100)}%`, '', inline(maskSecrets(c.explanation)), '');
    for (const fix of c.fixes) {
      out.push(`- **${inline(fix.side)}**: ${inline(maskSecrets(fix.text))}`);
      if (fix.code) out.push('', fenced(fix.code.source, fix.code.language), '');
    }
    if (c.verify.length > 0) out.push('', `${inline(t('Check with:'))}`, '', fenced(c.verify.map((v) => v.text ?? `# ${shownLine(v)}`).join('\n'), 'sh'));
    out.push('');
  });
  out.push('---', '', inline(t('Run "Connection Doctor: Diagnose connection" to probe the host and rank these causes with evidence.')));
  return out.join('\n');
}

function maskOrNull(text: string | null): string | null {
  return text === null ? null : maskSecrets(text);
}
