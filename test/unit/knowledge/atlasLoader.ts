/** Loads the error atlas files (src/core/knowledge/atlas/*.json) for the atlas tests. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AtlasFile } from '../../../src/core/knowledge/atlas/atlasSchema';

/** The atlas folder. */
export const ATLAS_DIR = join(__dirname, '..', '..', '..', 'src', 'core', 'knowledge', 'atlas');

/** Every atlas file, parsed, by file name (sorted). */
export function loadAtlasFiles(): Array<{ name: string; data: unknown }> {
  return readdirSync(ATLAS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((name) => ({ name, data: JSON.parse(readFileSync(join(ATLAS_DIR, name), 'utf8')) as unknown }));
}

/** The atlas files as typed data (call after validating them). */
export function atlas(): AtlasFile[] {
  return loadAtlasFiles().map((f) => f.data as AtlasFile);
}

/** The README line that lists the atlas's ecosystems, generated from the files' titles. */
export function readmeEcosystemLine(files: readonly AtlasFile[]): string {
  return `**Ecosystems in the error atlas** (${files.reduce((n, f) => n + f.entries.length, 0)} messages read from the programs' own sources, each with a fixture): ${files.map((f) => f.title).join('; ')}.`;
}
