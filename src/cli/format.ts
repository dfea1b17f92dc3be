/** Terminal helpers shared by the CLI commands: colour only on a TTY and without NO_COLOR. */

/** True when the stream should get ANSI colours. */
export function useColor(stream: NodeJS.WriteStream): boolean {
  const noColor = process.env.NO_COLOR;
  return stream.isTTY === true && (noColor === undefined || noColor === '');
}

/** A painter that is the identity when colours are off. */
export function painter(enabled: boolean): (code: number, text: string) => string {
  return enabled ? (code, text) => `\x1b[${code}m${text}\x1b[0m` : (_code, text) => text;
}
