// `npm run bench [-- --only <suite>[,<suite>]]`: runs the benchmark suites and prints their figures.
// Suites register here by name; each module exports `run(): Promise<void>`.
const suites: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  sdk: () => import('./sdk.bench.js'),
  server: () => import('./server.bench.js'),
};

function selected(argv: readonly string[]): string[] {
  const i = argv.indexOf('--only');
  const inline = argv.find((a) => a.startsWith('--only='));
  const value = inline ? inline.slice('--only='.length) : i >= 0 ? argv[i + 1] : undefined;
  if (!value) return Object.keys(suites);
  const names = value.split(',').filter(Boolean);
  const unknown = names.filter((n) => !(n in suites));
  if (unknown.length > 0) {
    console.error(
      `bench: unknown suite(s) ${unknown.join(', ')}; known: ${Object.keys(suites).join(', ')}`,
    );
    process.exit(2);
  }
  return names;
}

console.log(`node ${process.version}, ${new Date().toISOString()}`);
for (const name of selected(process.argv.slice(2))) {
  console.log(`\n== ${name} ==`);
  const mod = await suites[name]!();
  await mod.run();
}
