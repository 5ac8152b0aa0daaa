// Runs in the browser before the console's own code. zod compiles its object
// parsers with `new Function` unless told not to; the Content-Security-Policy
// (no 'unsafe-eval') refuses that, and even the probe for it is reported as a
// violation. Set before any schema module builds its first object schema.
// Only zod's config is imported: `import { z } from 'zod'` here would put all
// of zod into every page's first load, pages without a form included.
import { config } from 'zod/v4/core';

config({ jitless: true });
