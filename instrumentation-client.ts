// Runs in the browser before the console's own code. zod compiles its object
// parsers with `new Function` unless told not to; the Content-Security-Policy
// (no 'unsafe-eval') refuses that, and even the probe for it is reported as a
// violation. Set before any schema module builds its first object schema.
// zod keeps its config on this global (zod/v4/core/core.js) and takes an object
// it finds there, so nothing of zod is imported: importing its `config` put
// 11.8 kB gzipped of zod's core into every page's first load, the sign-in page's
// included (bench/RESULTS.md, issue 15). Should zod rename it, its probe would
// be reported again, and every e2e test fails on a CSP violation (e2e/fixtures.ts).
// Set on the object itself: zod keeps the one it found first.
const zod = globalThis as { __zod_globalConfig?: { jitless?: boolean } };
(zod.__zod_globalConfig ??= {}).jitless = true;
export {};
