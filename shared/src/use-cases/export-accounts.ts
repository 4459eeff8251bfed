import { listExportPage } from '@sipops/db/queries';
import { z } from 'zod';
import {
  ACCOUNT_FIELD_NAMES,
  ACCOUNT_FIELDS,
  type AccountFieldColumns,
} from '../account-fields.ts';
import { ACCOUNT_STATUSES, type AccountStatus } from '../account-lifecycle.ts';
import { nameSchema } from '../account-schemas.ts';
import {
  type CsvColumn,
  EXPORT_COLUMNS,
  formatCsvLine,
  formatFieldCell,
  formatYesNo,
  protectCsvCell,
} from '../batch/csv-format.ts';
import type { Deps } from '../deps.ts';
import { requireGroup } from '../resolve.ts';

/** Accounts read per query; pages follow each other by key, not by offset. */
export const EXPORT_PAGE_SIZE = 2000;

export const exportAccountsSchema = z.strictObject({
  group: nameSchema.optional(),
  status: z
    .enum(ACCOUNT_STATUSES, { error: `must be one of ${ACCOUNT_STATUSES.join(', ')}` })
    .optional(),
});
export type ExportAccountsInput = z.output<typeof exportAccountsSchema>;

/** Where the CSV goes, a page at a time (stdout, an upload); awaited, so a slow reader slows us. */
export type CsvWriter = (chunk: string) => void | Promise<void>;

type ExportRow = {
  group: string;
  username: string;
  way: 'wizard' | 'plain';
  type: 'pgsm' | 'snom';
  number: string;
  secondaryNumber: string | null;
  profile: string | null;
  enabled: boolean;
  sealedPassword: string;
  // Every setting of the registry, read by the page query from the registry's names.
} & AccountFieldColumns;

/**
 * The accounts as the import reads them, ordered by group then username in byte order (the same
 * on every database), so export → import into an empty database → export gives the same bytes.
 * Passwords leave only sealed: the ciphertext only a sipops with the same secret key can open.
 * The life cycle (status, dates, links, keys) is not exported: imported accounts start anew.
 */
export async function exportAccounts(
  deps: Pick<Deps, 'db'>,
  input: ExportAccountsInput,
  write: CsvWriter,
): Promise<{ accounts: number }> {
  // One snapshot for every page: a change during the export cannot split or repeat an account.
  return deps.db.transaction(
    async (tx) => {
      const group = input.group ? await requireGroup(tx, input.group) : undefined;
      await write(formatCsvLine(EXPORT_COLUMNS));
      let count = 0;
      let after: { group: string; username: string } | undefined;
      for (;;) {
        const page: ExportRow[] = await listExportPage(tx, {
          settings: ACCOUNT_FIELD_NAMES,
          groupId: group?.id,
          status: input.status as AccountStatus | undefined,
          after,
          limit: EXPORT_PAGE_SIZE,
        });
        if (page.length > 0) await write(page.map(formatExportRow).join(''));
        count += page.length;
        const last = page.at(-1);
        if (!last || page.length < EXPORT_PAGE_SIZE) break;
        after = { group: last.group, username: last.username };
      }
      return { accounts: count };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

function formatExportRow(row: ExportRow): string {
  const values: Partial<Record<CsvColumn, string>> = {
    group: row.group,
    username: row.username,
    way: row.way,
    type: row.type,
    number: row.number,
    secondary_number: row.secondaryNumber ?? '',
    profile: row.profile ?? '',
    enabled: formatYesNo(row.enabled),
    sealed_password: row.sealedPassword,
  };
  for (const field of ACCOUNT_FIELDS) values[field.csv] = formatFieldCell(field, row[field.name]);
  return formatCsvLine(EXPORT_COLUMNS.map((column) => protectCsvCell(values[column] ?? '')));
}
