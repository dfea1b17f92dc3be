/** `connection-doctor scan`: placeholder until the detection engine lands. */
export async function runScan(_args: string[]): Promise<number> {
  process.stderr.write('scan: not implemented yet\n');
  return 2;
}
