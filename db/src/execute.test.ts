import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executePreparedRows, executeRows } from './execute.ts';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from './testing.ts';

describe.each(testDatabaseKinds())('a statement prepared once on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await database.db.execute(sql`create table words (id int primary key, word text not null)`);
    await database.db.execute(
      sql`insert into words values (1, ${"it's"}), (2, ${'back\\slash'}), (3, ${'plain'})`,
    );
  }, 60_000);
  afterAll(() => database?.close());

  const find = (word: string, id: number, name = 'test_find_word') =>
    executePreparedRows<{ id: number; word: string }>(
      database.db,
      name,
      sql`select id, word from words where word = ${word} or id = ${id} order by id`,
    );

  it('answers as the plain statement does, for values with quotes and backslashes', async () => {
    for (const [word, id] of [
      ["it's", 0],
      ['back\\slash', 3],
      ["'; drop table words; --", 0],
      ['nothing', 0],
    ] as const) {
      const plain = await executeRows(
        database.db,
        sql`select id, word from words where word = ${word} or id = ${id} order by id`,
      );
      expect(await find(word, id)).toEqual(plain);
    }
    expect(await find("it's", 3)).toEqual([
      { id: 1, word: "it's" },
      { id: 3, word: 'plain' },
    ]);
    expect(await executeRows(database.db, sql`select count(*)::int as n from words`)).toEqual([
      { n: 3 },
    ]);
  });

  it('is prepared once when many first calls come at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => find('plain', i, 'test_find_word_at_once')),
    );
    expect(answers.map((rows) => rows.length)).toEqual([1, 2, 2, 1, 1, 1, 1, 1]);
  });

  it('refuses a value it cannot write as a literal', async () => {
    await expect(find('a\0b', 0)).rejects.toThrow(
      kind === 'pglite' ? /takes strings, numbers and booleans/ : /./,
    );
  });
});
