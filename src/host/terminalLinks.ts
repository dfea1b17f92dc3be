/**
 * Failure lines in any terminal become links that diagnose them. This also
 * covers terminals without shell integration (Command Prompt, some shells,
 * `console: integratedTerminal` debug sessions), since links see rendered lines.
 */
import * as vscode from 'vscode';
import { Commands } from './model/commandIds';
import type { IncidentCommandArgs } from './model/commandIds';
import { detectText } from '../core/detect/detect';
import { linkSpans } from './model/lineLinks';
import type { Services } from './services';

/** Longest terminal line scanned for links. */
const MAX_LINK_LINE = 4_096;

/** A link that diagnoses the line it sits on. */
export interface FailureLink extends vscode.TerminalLink {
  line: string;
  terminalName: string;
}

/** The terminal link provider. */
export class FailureLinkProvider implements vscode.TerminalLinkProvider<FailureLink> {
  constructor(private readonly services: Services) {}

  provideTerminalLinks(context: vscode.TerminalLinkContext): FailureLink[] {
    const line = context.line;
    if (line.length === 0 || line.length > MAX_LINK_LINE) return [];
    const incident = detectText(line)[0];
    if (!incident) return [];
    const tooltip = vscode.l10n.t('Diagnose this connection (Connection Doctor)');
    return linkSpans(line, incident).map((s) => ({ startIndex: s.start, length: s.length, tooltip, line, terminalName: context.terminal.name }));
  }

  async handleTerminalLink(link: FailureLink): Promise<void> {
    this.services.log.info(`terminal link clicked in '${link.terminalName}'`);
    const args: IncidentCommandArgs = { text: link.line, source: link.terminalName, sourceKind: 'terminal' };
    await vscode.commands.executeCommand(Commands.diagnose, args);
  }
}
