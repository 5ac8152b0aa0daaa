// Next.js configuration of the console.
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The engine is a separate process; nothing under engine/ is bundled into the console.
  typescript: { ignoreBuildErrors: false },
  experimental: {
    // Next.js buffers the body of a request its proxy (proxy.ts) sees; pages take no body, so keep that small.
    // Route handlers are outside the proxy and limit their own bodies (lib/server/body.ts).
    proxyClientMaxBodySize: '64kb',
  },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
          {
            key: 'Permissions-Policy',
            value: 'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=(), serial=(), hid=(), midi=(), display-capture=()',
          },
        ],
      },
      // Pages get their policy, with a nonce, from proxy.ts; JSON answers need none of it.
      { source: '/api/:path*', headers: [{ key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'" }] },
    ];
  },
};

export default nextConfig;
