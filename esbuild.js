// Builds the three bundles: the extension host (CommonJS, node), the webviews
// (browser IIFE) and the command-line tool. `--production` minifies, `--watch`
// rebuilds on change and reports problems in the format VS Code's
// `$esbuild-watch` problem matcher understands.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints build start/end and errors the way the esbuild problem matcher expects. */
const problemMatcherPlugin = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => {
      if (watch) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

/** Copies the codicon font and stylesheet so webviews can use VS Code's icons offline. */
function copyCodicons() {
  const from = path.join(__dirname, 'node_modules', '@vscode', 'codicons', 'dist');
  const to = path.join(__dirname, 'dist', 'codicons');
  fs.mkdirSync(to, { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) {
    fs.copyFileSync(path.join(from, file), path.join(to, file));
  }
}

/**
 * Keeps the engine (src/engine.ts) out of the extension bundle: the host imports
 * '../../engine' lazily (src/host/model/engineLoader.ts) and gets dist/engine.js, a bundle of its own, at run time.
 */
const lazyEnginePlugin = {
  name: 'lazy-engine',
  setup(build) {
    build.onResolve({ filter: /^(\.\.\/)+engine$/ }, (args) =>
      args.importer.includes(`${path.sep}src${path.sep}host${path.sep}`) ? { path: './engine.js', external: true } : undefined,
    );
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'silent',
  plugins: [problemMatcherPlugin],
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode'],
    plugins: [problemMatcherPlugin, lazyEnginePlugin],
    // Lets activate() report the bundle's own load time (see ActivationTiming).
    banner: { js: 'var __cdLoadStart = typeof performance === "object" ? performance.now() : undefined;' },
    footer: { js: 'var __cdLoadEnd = typeof performance === "object" ? performance.now() : undefined;' },
  },
  {
    ...common,
    entryPoints: ['src/engine.ts'],
    outfile: 'dist/engine.js',
    format: 'cjs',
    platform: 'node',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/cli.js',
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: { panel: 'src/webview/panel.ts', incidents: 'src/webview/incidents.ts' },
    outdir: 'dist/webview',
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
  },
  {
    // The integration suite runs inside the extension host; mocha stays external.
    ...common,
    minify: false,
    sourcemap: true,
    entryPoints: fs.readdirSync(path.join(__dirname, 'test', 'integration'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `test/integration/${f}`),
    outdir: 'out/test/integration',
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode', 'mocha'],
  },
];

async function main() {
  copyCodicons();
  const contexts = await Promise.all(builds.filter((b) => entriesExist(b)).map((b) => esbuild.context(b)));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  try {
    const results = await Promise.all(contexts.map((c) => c.rebuild()));
    if (results.some((r) => r.errors.length > 0)) process.exitCode = 1;
  } catch {
    process.exitCode = 1;
  } finally {
    await Promise.all(contexts.map((c) => c.dispose()));
  }
}

/** Lets the build run while a bundle's entry point is still to be written. */
function entriesExist(build) {
  const entries = Array.isArray(build.entryPoints) ? build.entryPoints : Object.values(build.entryPoints);
  return entries.every((e) => fs.existsSync(path.join(__dirname, e)));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
