/**
 * Every bundled rules file, imported statically so esbuild inlines them (the CLI and the
 * extension ship as single files). A unit test checks this list against the folder.
 */
import apple from '../knowledge/rules/apple.json';
import browser from '../knowledge/rules/browser.json';
import curl from '../knowledge/rules/curl.json';
import databases from '../knowledge/rules/databases.json';
import dotnet from '../knowledge/rules/dotnet.json';
import go from '../knowledge/rules/go.json';
import infra from '../knowledge/rules/infra.json';
import java from '../knowledge/rules/java.json';
import libraries from '../knowledge/rules/libraries.json';
import node from '../knowledge/rules/node.json';
import os from '../knowledge/rules/os.json';
import php from '../knowledge/rules/php.json';
import python from '../knowledge/rules/python.json';
import ruby from '../knowledge/rules/ruby.json';
import runtimes from '../knowledge/rules/runtimes.json';
import servers from '../knowledge/rules/servers.json';
import tools from '../knowledge/rules/tools.json';
import worded from '../knowledge/rules/worded.json';

/** The bundled rules files, by file name; validated before use by compileRules. */
export const RULE_FILES: ReadonlyArray<{ name: string; data: unknown }> = [
  { name: 'apple.json', data: apple },
  { name: 'browser.json', data: browser },
  { name: 'curl.json', data: curl },
  { name: 'databases.json', data: databases },
  { name: 'dotnet.json', data: dotnet },
  { name: 'go.json', data: go },
  { name: 'infra.json', data: infra },
  { name: 'java.json', data: java },
  { name: 'libraries.json', data: libraries },
  { name: 'node.json', data: node },
  { name: 'os.json', data: os },
  { name: 'php.json', data: php },
  { name: 'python.json', data: python },
  { name: 'ruby.json', data: ruby },
  { name: 'runtimes.json', data: runtimes },
  { name: 'servers.json', data: servers },
  { name: 'tools.json', data: tools },
  { name: 'worded.json', data: worded },
];
