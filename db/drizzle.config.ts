import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: process.env.SIPOPS_MIGRATIONS_OUT ?? './migrations',
});
