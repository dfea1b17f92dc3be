// Writes the JSON Schemas of the knowledge-base files (built in src/core/knowledge/jsonSchemas.ts)
// to src/core/knowledge/schemas/, where every cause and rules file names its schema with `$schema`.
// Run with tsx: `npm run schemas`. A unit test fails when the written files are stale.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CAUSE_JSON_SCHEMA, RULES_JSON_SCHEMA } from '../src/core/knowledge/jsonSchemas.ts';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'src/core/knowledge/schemas');
for (const [file, schema] of [['cause.schema.json', CAUSE_JSON_SCHEMA], ['rules.schema.json', RULES_JSON_SCHEMA]]) {
  writeFileSync(join(OUT, file), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote src/core/knowledge/schemas/${file}`);
}
