// The pages' Content-Security-Policy: scripts only with this response's nonce
// (Next.js puts it on its own scripts, and 'strict-dynamic' lets them load the
// rest), no framing, nothing from other origins. No 'unsafe-eval' outside
// `next dev`, whose React debugging needs it.

export function contentSecurityPolicy(nonce: string, opts: { dev: boolean; https: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ''}`,
    `style-src 'self' ${opts.dev ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    // only where browsers reach the console over HTTPS: on plain http it would break every subresource
    ...(opts.https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}
