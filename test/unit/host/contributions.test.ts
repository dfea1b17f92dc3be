// Catches drift between the code's ids and package.json's contributions.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Commands, Views } from '../../../src/host/model/commandIds';
import { CONFIG_BOUNDS, CONFIG_DEFAULTS, RESTRICTED_KEYS } from '../../../src/host/model/configModel';

const root = join(__dirname, '..', '..', '..');
interface Pkg {
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string; description: string; restrictedConfigurations: string[] } };
  contributes: {
    commands: Array<{ command: string; title: string; category: string }>;
    menus: Record<string, Array<{ command: string }>>;
    viewsContainers: { activitybar: Array<{ id: string; icon: string }> };
    views: Record<string, Array<{ id: string; type: string }>>;
    configuration: { properties: Record<string, { default: unknown; description?: string; markdownDescription?: string; minimum?: number; maximum?: number }> };
  };
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Pkg;
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
const pkgText = readFileSync(join(root, 'package.json'), 'utf8');

describe('host contributions', () => {
  it('declares exactly the command ids of Commands', () => {
    const declared = pkg.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(declared, Object.values(Commands).sort());
  });

  it('titles every command and puts it in the Connection Doctor category', () => {
    for (const c of pkg.contributes.commands) {
      assert.match(c.title, /^%[\w.]+%$/, `${c.command} title is localised`);
      assert.equal(nls[c.category.slice(1, -1)], 'Connection Doctor');
    }
    const diagnose = pkg.contributes.commands.find((c) => c.command === Commands.diagnose);
    assert.equal(nls[(diagnose?.title ?? '').slice(1, -1)], 'Diagnose connection');
  });

  it('menus only reference declared commands', () => {
    const ids = new Set<string>(Object.values(Commands));
    for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
      for (const item of items) assert.ok(ids.has(item.command), `${menu} -> ${item.command}`);
    }
  });

  it('keeps the view container and the incidents view ids', () => {
    assert.ok(pkg.contributes.viewsContainers.activitybar.some((c) => c.id === Views.container));
    const view = pkg.contributes.views[Views.container]?.find((v) => v.id === Views.incidents);
    assert.equal(view?.type, 'webview');
  });

  it('declares every Config key with its default, bounds and both descriptions', () => {
    const props = pkg.contributes.configuration.properties;
    const declared = Object.keys(props).map((k) => k.replace(/^connectionDoctor\./, '')).sort();
    assert.deepEqual(declared, Object.keys(CONFIG_DEFAULTS).sort());
    for (const [key, value] of Object.entries(CONFIG_DEFAULTS)) {
      const prop = props[`connectionDoctor.${key}`];
      assert.deepEqual(prop.default, value, `default of ${key}`);
      for (const d of [prop.description, prop.markdownDescription]) {
        assert.ok(d && nls[d.slice(1, -1)], `${key} has a localised description`);
      }
      const bounds = (CONFIG_BOUNDS as Record<string, { min?: number; max?: number }>)[key];
      if (bounds?.min !== undefined) {
        assert.equal(prop.minimum, bounds.min, `minimum of ${key}`);
        assert.equal(prop.maximum, bounds.max, `maximum of ${key}`);
      }
    }
  });

  it('restricts the same settings in untrusted workspaces as the code does', () => {
    const ut = pkg.capabilities.untrustedWorkspaces;
    assert.equal(ut.supported, 'limited');
    assert.ok(nls[ut.description.slice(1, -1)]);
    assert.deepEqual([...ut.restrictedConfigurations].sort(), RESTRICTED_KEYS.map((k) => `connectionDoctor.${k}`).sort());
  });

  it('resolves every %key% and has no unused strings', () => {
    const used = new Set([...pkgText.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]));
    for (const key of used) assert.ok(key in nls, `missing ${key}`);
    for (const key of Object.keys(nls)) assert.ok(used.has(key), `unused ${key}`);
  });

  it('activates after startup (so terminals and debug sessions are watched) and for panel restore', () => {
    assert.ok(pkg.activationEvents.includes('onStartupFinished'));
    assert.ok(pkg.activationEvents.includes('onWebviewPanel:connectionDoctor.diagnosis'));
  });
});
