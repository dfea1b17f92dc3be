/** Parses `connection-doctor diagnose` arguments; every mistake becomes one clear line. */
import { MAX_ATTEMPTS, MAX_TIMEOUT_MS } from '../core/probes/limits';

/** Parsed options of `diagnose`. */
export interface DiagnoseArgs {
  json: boolean;
  timeoutMs?: number;
  attempts?: number;
  errorText?: string;
  errorFile?: string;
  target?: string;
  help: boolean;
}

/** Usage line of the command. */
export const DIAGNOSE_USAGE = 'Usage: connection-doctor diagnose [--json] [--timeout MS] [--attempts N] [--error TEXT | --error-file FILE] [TARGET]';

/** Reads the argument list; returns `{error}` for bad input. */
export function parseDiagnoseArgs(args: readonly string[]): DiagnoseArgs | { error: string } {
  const out: DiagnoseArgs = { json: false, help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inlineValue = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string | { error: string } => {
      if (inlineValue !== undefined) return inlineValue;
      if (i + 1 >= args.length) return { error: `${name} needs a value` };
      return args[++i];
    };
    switch (name) {
      case '--json':
        out.json = true;
        break;
      case '--help':
      case '-h':
        out.help = true;
        break;
      case '--timeout':
      case '--attempts': {
        const v = value();
        if (typeof v !== 'string') return v;
        const max = name === '--timeout' ? MAX_TIMEOUT_MS : MAX_ATTEMPTS;
        const n = /^\d{1,7}$/.test(v) ? Number(v) : NaN;
        if (!Number.isInteger(n) || n < 1 || n > max) return { error: `${name} must be a whole number from 1 to ${max}, got "${v.slice(0, 40)}"` };
        if (name === '--timeout') out.timeoutMs = n;
        else out.attempts = n;
        break;
      }
      case '--error':
      case '--error-file': {
        const v = value();
        if (typeof v !== 'string') return v;
        if (out.errorText !== undefined || out.errorFile !== undefined) return { error: 'give either --error or --error-file, once' };
        if (name === '--error') out.errorText = v;
        else out.errorFile = v;
        break;
      }
      default:
        if (arg.startsWith('-') && arg !== '-') return { error: `unknown option "${arg.slice(0, 40)}"` };
        if (out.target !== undefined) return { error: `more than one target ("${out.target.slice(0, 40)}" and "${arg.slice(0, 40)}")` };
        out.target = arg;
    }
  }
  return out;
}
