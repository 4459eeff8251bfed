import { getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/**
 * `insert into <table> … select … from jsonb_to_recordset($1)`: thousands of rows in one statement
 * with one bind parameter, so Postgres's limit of 65,535 parameters a statement never comes near,
 * on postgres.js and PGlite alike. The rows are the table's insert objects: their `keys`
 * (TypeScript names) are serialised, each column typed from the schema. What all rows share (a date, an actor) is `fixed`: bound once, not in every row.
 */
export function insertJsonRows<T extends PgTable, K extends keyof T['$inferInsert'] & string>(
  table: T,
  keys: readonly K[],
  rows: readonly Pick<T['$inferInsert'], K>[],
  fixed?: Omit<Partial<T['$inferInsert']>, K>,
): SQL {
  const columns = getTableColumns(table);
  const columnOf = (key: string) => {
    const column = columns[key];
    if (!column) throw new Error(`${key} is not a column of the table`);
    return column;
  };
  const targets: SQL[] = [];
  const sources: SQL[] = [];
  const types: SQL[] = [];
  for (const key of keys) {
    const column = columnOf(key);
    targets.push(sql`${sql.identifier(column.name)}`);
    sources.push(sql`${sql.identifier(key)}`);
    types.push(sql`${sql.identifier(key)} ${sql.raw(column.getSQLType())}`);
  }
  for (const [key, value] of Object.entries(fixed ?? {})) {
    const column = columnOf(key);
    targets.push(sql`${sql.identifier(column.name)}`);
    sources.push(sql`${sql.param(value, column)}::${sql.raw(column.getSQLType())}`);
  }
  const json = JSON.stringify(
    rows.map((row) => {
      const picked: Record<string, unknown> = {};
      for (const key of keys) picked[key] = row[key];
      return picked;
    }),
  );
  return sql`insert into ${table} (${sql.join(targets, sql`, `)}) select ${sql.join(sources, sql`, `)} from jsonb_to_recordset(${json}::jsonb) as r(${sql.join(types, sql`, `)})`;
}

/** `{"a","b"}`: text values as one Postgres array literal, quoted and escaped. */
function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/**
 * `column = any($1::text[])`: thousands of values in one bind parameter, one statement text for
 * any count (prepared once), where `inArray` gives a parameter a value and a new text each time.
 */
export function isAnyOf(column: PgColumn, values: readonly string[]): SQL {
  return sql`${column} = any(${textArrayLiteral(values)}::text[])`;
}
