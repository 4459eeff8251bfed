import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // The workspace packages export their TypeScript source, so Next compiles them with the app.
  transpilePackages: ['@sipops/shared', '@sipops/db'],
  // PGlite loads its wasm and data files relative to its own module: bundling it breaks that.
  serverExternalPackages: ['@electric-sql/pglite', 'postgres', 'twilio'],
};

export default nextConfig;
