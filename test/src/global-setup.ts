import { prepareTestDatabaseTemplates } from '@sipops/db/testing';
import postgres from 'postgres';
import { buildAppInBackground } from './build-app.ts';
import { prepareDataDirTemplate } from './embedded.ts';
import { ensureSystemPackages } from './system-packages.ts';

/** The local server CI uses; a developer's run takes it when TEST_DATABASE_URL is not set. */
export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Installs the Debian packages the real-program tests drive (or fails naming the command), and
 * settles the Postgres every run needs: the SIP tests run Kamailio, a second process, which
 * PGlite cannot serve. Without TEST_DATABASE_URL the local default is used when it answers.
 * Migrates once for the whole run (a template database, a PGlite snapshot and an embedded data
 * folder) that every suite's database is copied from; the returned teardown drops them.
 */
export default async function setup(): Promise<() => Promise<void>> {
  ensureSystemPackages();
  // The builds take seconds even when cached: the databases are settled meanwhile.
  const built = buildAppInBackground();
  // Awaited below; a setup that fails before then reports its own error, not the build's too.
  built.catch(() => {});
  const given = process.env.TEST_DATABASE_URL;
  const url = given || DEFAULT_TEST_DATABASE_URL;
  const problem = await reach(url);
  if (problem) {
    throw new Error(
      given
        ? `TEST_DATABASE_URL is set but its server cannot be reached: ${problem}`
        : `The tests need PostgreSQL (the SIP tests run Kamailio over it): TEST_DATABASE_URL is not set and ${DEFAULT_TEST_DATABASE_URL} does not answer (${problem}). Start PostgreSQL there, or set TEST_DATABASE_URL to a server where the tests may create and drop databases.`,
    );
  }
  // Test workers start after this and inherit it, and the templates' variables.
  process.env.TEST_DATABASE_URL = url;
  const [databases, dataDir] = await Promise.allSettled([
    prepareTestDatabaseTemplates(url),
    prepareDataDirTemplate(),
  ]);
  const dropTemplates = async () => {
    if (dataDir.status === 'fulfilled') dataDir.value();
    if (databases.status === 'fulfilled') await databases.value();
  };
  try {
    if (databases.status === 'rejected') throw databases.reason;
    if (dataDir.status === 'rejected') throw dataDir.reason;
    await built;
  } catch (error) {
    await dropTemplates();
    throw error;
  }
  console.log(`[sipops] integration tests run on PGlite and on Postgres (${new URL(url).host}).`);
  return dropTemplates;
}

async function reach(url: string): Promise<string | undefined> {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`select 1`;
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await sql.end();
  }
}
