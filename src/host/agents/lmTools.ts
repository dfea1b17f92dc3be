/**
 * The language-model tools agent modes (Copilot agent mode and others) call in VS Code:
 * connectionDoctor_diagnose (live probes, confirmed by the user for any host but this
 * machine), connectionDoctor_incidents and connectionDoctor_explain (read only).
 * The engine loads on the first call, as for the panel.
 */
import * as vscode from 'vscode';
import { incidentInText } from '../../core/agents/agentInput';
import { hostPort } from '../../core/target/address';
import { CONFIG_BOUNDS, intFrom } from '../model/configModel';
import { loadEngine } from '../model/engineLoader';
import type { Services } from '../services';
import type { LmDiagnoseInput, LmExplainInput, LmIncidentsInput } from '../model/agentModel';
import { incidentsText, lmDiagnoseSubject, probeConfirmation, refusal } from '../model/agentModel';
import type { LmPreparedToolInvocation, LmTool, LmToolResult, NewerVscodeApi } from './lmApi';

type ResultApi = Required<Pick<NewerVscodeApi, 'LanguageModelToolResult' | 'LanguageModelTextPart'>>;

function textResult(api: ResultApi, text: string): LmToolResult {
  return new api.LanguageModelToolResult([new api.LanguageModelTextPart(text)]);
}

/** The probing tool. */
export function diagnoseTool(services: Services, api: ResultApi): LmTool<LmDiagnoseInput> {
  return {
    prepareInvocation: ({ input }): LmPreparedToolInvocation | undefined => {
      const subject = lmDiagnoseSubject(input, services.incidents);
      // Bad input or an ignored host: invoke() says why, without asking first.
      if ('error' in subject || refusal(subject.target, services.config.current.ignoredHosts)) return undefined;
      const where = hostPort(subject.target.host, subject.target.port);
      const confirm = probeConfirmation(subject.target, vscode.workspace.isTrusted, vscode.l10n.t);
      return {
        invocationMessage: vscode.l10n.t('Probing {0}', where),
        ...(confirm ? { confirmationMessages: { title: confirm.title, message: new vscode.MarkdownString(confirm.message) } } : {}),
      };
    },
    invoke: async ({ input }, token) => {
      const config = services.config.current;
      const subject = lmDiagnoseSubject(input, services.incidents);
      if ('error' in subject) throw new Error(subject.error);
      const refused = refusal(subject.target, config.ignoredHosts);
      if (refused) throw new Error(refused);
      const where = hostPort(subject.target.host, subject.target.port);
      services.log.info(`agent tool: diagnose ${where}`);
      const ac = new AbortController();
      const cancel = token.onCancellationRequested(() => ac.abort());
      try {
        return await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Connection Doctor: probing {0}', where) }, async (progress) => {
          const engine = await loadEngine();
          const vscodeProxy = vscode.workspace.getConfiguration('http').get<string>('proxy') || null;
          const b = CONFIG_BOUNDS;
          const diagnosis = await engine.runDiagnosis(subject.target, subject.incident, {
            timeoutMs: intFrom(input.timeoutMs, config.probeTimeoutMs, b.probeTimeoutMs.min, b.probeTimeoutMs.max),
            attempts: intFrom(input.attempts, config.repeatAttempts, b.repeatAttempts.min, b.repeatAttempts.max),
            signal: ac.signal,
            env: process.env,
            vscodeProxy,
            onProbe: (r, phase) => {
              if (phase === 'done') progress.report({ message: `${r.id}: ${r.status}` });
            },
          });
          if (token.isCancellationRequested) throw new vscode.CancellationError();
          const report = input.report === true ? engine.renderReport(diagnosis, engine.snapshotEnvironment({ env: process.env, vscodeProxy: vscodeProxy ?? undefined, vscodeVersion: vscode.version })) : undefined;
          return textResult(api, engine.diagnosisResult(diagnosis, { note: subject.note, report }).text);
        });
      } finally {
        cancel.dispose();
      }
    },
  };
}

/** The incidents this window's terminals, tasks and debug sessions saw. */
export function incidentsTool(services: Services, api: ResultApi): LmTool<LmIncidentsInput> {
  return {
    prepareInvocation: () => ({ invocationMessage: vscode.l10n.t('Reading the connection failures seen in this window') }),
    invoke: ({ input }) => {
      const listed = incidentsText(services.incidents.list(), input ?? {}, Date.now());
      if ('error' in listed) throw new Error(listed.error);
      return textResult(api, listed.text);
    },
  };
}

/** The knowledge-base explanation of an error text or an incident, without any probe. */
export function explainTool(services: Services, api: ResultApi): LmTool<LmExplainInput> {
  return {
    prepareInvocation: () => ({ invocationMessage: vscode.l10n.t('Explaining the connection failure') }),
    invoke: async ({ input }) => {
      const error = typeof input?.error === 'string' && input.error.trim() ? input.error : undefined;
      const id = typeof input?.incidentId === 'string' ? input.incidentId : undefined;
      const incident = error !== undefined ? incidentInText(error) : id !== undefined ? (services.incidents.get(id) ?? null) : (services.incidents.latest() ?? null);
      if (!incident) {
        throw new Error(
          error !== undefined ? 'No connection failure was found in "error": pass the error lines as the program printed them.'
          : id !== undefined ? `No incident with id "${id.slice(0, 64)}" is in the history.`
          : 'No connection failure has been seen in this window yet: give "error".',
        );
      }
      const engine = await loadEngine();
      return textResult(api, engine.explanationResult(incident, engine.likelyCausesOffline(incident)).text);
    },
  };
}
