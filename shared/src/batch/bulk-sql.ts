import { getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/**
 * `insert into <table> … select … from jsonb_to_recordset($1)`: thousands of rows in one statement
 * with one bind parameter, so Postgres's limit of 65,535 parameters a statement never comes near,
 * on postgres.js and PGlite alike (COPY is not on PGlite's driver path). The rows are the table's
 * own insert objects, keyed by their TypeScript names; each column is typed from the schema.
 */
export function insertJsonRows<T extends PgTable>(
  table: T,
  keys: readonly (keyof T['$inferInsert'] & string)[],
  rows: readonly T['$inferInsert'][],
): SQL {
  const columns = getTableColumns(table);
  const targets: SQL[] = [];
  const sources: SQL[] = [];
  const types: SQL[] = [];
  for (const key of keys) {
    const column = columns[key];
    if (!column) throw new Error(`${key} is not a column of the table`);
    targets.push(sql`${sql.identifier(column.name)}`);
    sources.push(sql`${sql.identifier(key)}`);
    types.push(sql`${sql.identifier(key)} ${sql.raw(column.getSQLType())}`);
  }
  return sql`insert into ${table} (${sql.join(targets, sql`, `)}) select ${sql.join(sources, sql`, `)} from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(${sql.join(types, sql`, `)})`;
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
