// Under vitest there is no React Server Components bundler: `server-only`'s guard has nothing to guard.
export {};
