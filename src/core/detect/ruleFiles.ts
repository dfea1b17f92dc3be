/**
 * Every bundled rules file, imported statically so esbuild inlines them (the CLI and the
 * extension ship as single files). A unit test checks this list against the folder.
 */
import browser from '../knowledge/rules/browser.json';
import curl from '../knowledge/rules/curl.json';
import go from '../knowledge/rules/go.json';
import java from '../knowledge/rules/java.json';
import node from '../knowledge/rules/node.json';
import os from '../knowledge/rules/os.json';
import python from '../knowledge/rules/python.json';
import servers from '../knowledge/rules/servers.json';

/** The bundled rules files, by file name; validated before use by compileRules. */
export const RULE_FILES: ReadonlyArray<{ name: string; data: unknown }> = [
  { name: 'browser.json', data: browser },
  { name: 'curl.json', data: curl },
  { name: 'go.json', data: go },
  { name: 'java.json', data: java },
  { name: 'node.json', data: node },
  { name: 'os.json', data: os },
  { name: 'python.json', data: python },
  { name: 'servers.json', data: servers },
];
