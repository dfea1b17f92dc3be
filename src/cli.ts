/**
 * The command-line tool: `connection-doctor scan` finds connection failures in
 * logs, `connection-doctor diagnose` probes a target and ranks the causes.
 */
const USAGE = `Usage:
  connection-doctor scan [--json] [FILE...]
  connection-doctor diagnose [--json] [--timeout MS] [--attempts N] [--error TEXT | --error-file FILE] [TARGET]
  connection-doctor mcp [--offline]
`;

// A reader that stops early (`| head`) closes the pipe: stop quietly, as grep does.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'scan':
      return (await import('./cli/scan')).runScan(rest);
    case 'diagnose':
      return (await import('./cli/diagnose')).runDiagnose(rest);
    case 'mcp':
      return (await import('./cli/mcp')).runMcp(rest);
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(command ? `connection-doctor: unknown command '${command}'\n${USAGE}` : USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`connection-doctor: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
