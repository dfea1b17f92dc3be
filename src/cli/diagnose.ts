/** `connection-doctor diagnose`: placeholder until the diagnosis engine lands. */
export async function runDiagnose(_args: string[]): Promise<number> {
  process.stderr.write('diagnose: not implemented yet\n');
  return 2;
}
