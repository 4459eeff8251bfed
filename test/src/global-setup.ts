import postgres from 'postgres';

/** Says which databases this run covers, and fails at once when the Postgres asked for is down. */
export default async function setup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    console.log('[sipops] TEST_DATABASE_URL is not set: integration tests run on PGlite only.');
    return;
  }
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`select 1`;
  } catch (error) {
    throw new Error(
      `TEST_DATABASE_URL is set but its server cannot be reached: ${(error as Error).message}`,
    );
  } finally {
    await sql.end();
  }
  console.log(`[sipops] integration tests run on PGlite and on Postgres (${new URL(url).host}).`);
}
