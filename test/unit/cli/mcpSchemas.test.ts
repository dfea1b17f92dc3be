// The VS Code language-model tools and the MCP tools share their inputs: catch drift.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/v4';
import { diagnoseInput, explainInput } from '../../../src/cli/mcpSchemas';
import { LmTools, MCP_PROVIDER_ID } from '../../../src/host/model/agentModel';

const root = join(__dirname, '..', '..', '..');
interface LmToolContribution {
  name: string;
  displayName: string;
  toolReferenceName: string;
  canBeReferencedInPrompt: boolean;
  icon: string;
  userDescription: string;
  modelDescription: string;
  inputSchema: { type: string; properties: Record<string, Record<string, unknown>> };
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  engines: { vscode: string };
  devDependencies: Record<string, string>;
  contributes: { languageModelTools: LmToolContribution[]; mcpServerDefinitionProviders: Array<{ id: string; label: string }> };
};
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;

function props(shape: z.ZodRawShape): Record<string, Record<string, unknown>> {
  return (z.toJSONSchema(z.object(shape)) as { properties: Record<string, Record<string, unknown>> }).properties;
}

describe('agent tool contributions', () => {
  const tools = new Map(pkg.contributes.languageModelTools.map((t) => [t.name, t]));

  it('declares exactly the tools of LmTools, each referencable with a localised name and description', () => {
    assert.deepEqual([...tools.keys()].sort(), Object.values(LmTools).sort());
    const refs = new Set<string>();
    for (const t of tools.values()) {
      assert.match(t.toolReferenceName, /^connectionDoctor/);
      refs.add(t.toolReferenceName);
      assert.equal(t.canBeReferencedInPrompt, true);
      assert.match(t.icon, /^\$\([a-z-]+\)$/);
      for (const key of [t.displayName, t.userDescription]) assert.ok(nls[key.slice(1, -1)], `${t.name}: ${key} is in package.nls.json`);
      assert.ok(t.modelDescription.length > 150, `${t.name} is described for a model`);
      assert.equal(t.inputSchema.type, 'object');
    }
    assert.equal(refs.size, tools.size, 'reference names are unique');
    assert.equal(tools.get(LmTools.diagnose)?.toolReferenceName, 'connectionDoctor', '#connectionDoctor is the diagnose tool');
  });

  it('gives the VS Code diagnose tool the MCP tool\'s input properties, plus incidentId', () => {
    const declared = tools.get(LmTools.diagnose)?.inputSchema.properties ?? {};
    const { incidentId, ...shared } = declared;
    assert.deepEqual(shared, props(diagnoseInput));
    assert.equal(incidentId?.type, 'string');
  });

  it('gives the VS Code explain tool the MCP tool\'s error property (optional: the latest incident is the default)', () => {
    const declared = tools.get(LmTools.explain)?.inputSchema.properties ?? {};
    const { minLength: _min, ...mcpError } = props(explainInput).error;
    assert.deepEqual(declared.error, mcpError);
    assert.equal((tools.get(LmTools.explain)?.inputSchema as { required?: unknown }).required, undefined);
  });

  it('declares the MCP server definition provider it registers', () => {
    assert.deepEqual(pkg.contributes.mcpServerDefinitionProviders.map((p) => p.id), [MCP_PROVIDER_ID]);
    assert.ok(nls[pkg.contributes.mcpServerDefinitionProviders[0].label.slice(1, -1)]);
  });

  it('keeps the 1.93 engines minimum and its pinned API types (newer APIs behind feature checks)', () => {
    assert.equal(pkg.engines.vscode, '^1.93.0');
    assert.equal(pkg.devDependencies['@types/vscode'], '1.93.0');
  });
});
