import type { AccountType } from '../account-schemas.ts';
import type { BatchError, CreationWay } from './csv-format.ts';
import type { CheckedAccount } from './row-fields.ts';

/** The errors kept in memory; past this only their count grows. */
export const MAX_KEPT_ERRORS = 1000;
export const SAMPLE_SIZE = 10;

/** One account of the file as the preview shows it; username null when it will be generated. */
export type BatchRowPreview = {
  line: number;
  way: CreationWay;
  type: AccountType;
  group: string;
  username: string | null;
  number: string;
  secondaryNumber: string | null;
  profile: string | null;
  enabled: boolean;
};

export type BatchSummary = {
  /** Data rows read (the header apart). */
  rows: number;
  /** Rows without errors: what an import would create. */
  accounts: number;
  byType: Record<AccountType, number>;
  byWay: Record<CreationWay, number>;
  byGroup: { group: string; accounts: number }[];
  /** Wizard rows not yet activated: each gets an activation SMS when the import asks for them. */
  activationSmsRows: number;
  /** How many SMS the import would queue, given whether it asks for them. */
  smsToQueue: number;
  sample: BatchRowPreview[];
  /** The first MAX_KEPT_ERRORS errors, in file order. */
  errors: BatchError[];
  errorCount: number;
};

/**
 * The figures of a batch as its rows are checked: accounts by type, way and group, a sample, and
 * the errors (the first MAX_KEPT_ERRORS by line, and their count).
 */
export class BatchTally {
  rows = 0;
  private errors: BatchError[] = [];
  private errorTotal = 0;
  private readonly summary: Omit<BatchSummary, 'byGroup' | 'errors' | 'errorCount' | 'rows'> = {
    accounts: 0,
    byType: { pgsm: 0, snom: 0 },
    byWay: { wizard: 0, plain: 0 },
    activationSmsRows: 0,
    smsToQueue: 0,
    sample: [],
  };
  private readonly byGroup = new Map<string, number>();

  constructor(private readonly isSmsRequested: boolean) {}

  get errorCount(): number {
    return this.errorTotal;
  }

  /** Counts an account in (step 1), or out again when a later check refuses it (-1). */
  count(account: CheckedAccount, step: 1 | -1): void {
    const s = this.summary;
    s.accounts += step;
    s.byType[account.type] += step;
    s.byWay[account.way] += step;
    this.byGroup.set(account.group.name, (this.byGroup.get(account.group.name) ?? 0) + step);
    if (account.isSmsCandidate) {
      s.activationSmsRows += step;
      if (this.isSmsRequested) s.smsToQueue += step;
    }
    if (step === 1 && s.sample.length < SAMPLE_SIZE) s.sample.push(previewOf(account));
  }

  addError(error: BatchError): void {
    this.errorTotal++;
    this.errors.push(error);
    if (this.errors.length >= 2 * MAX_KEPT_ERRORS) this.trimErrors();
  }

  /** Only this error: the errors found so far are dropped (a file that is not UTF-8). */
  replaceErrors(error: BatchError): void {
    this.errors = [];
    this.errorTotal = 0;
    this.addError(error);
  }

  summarise(): BatchSummary {
    this.trimErrors();
    const refused = new Set(this.errors.map((e) => e.line));
    return {
      rows: this.rows,
      ...this.summary,
      sample: this.summary.sample.filter((row) => !refused.has(row.line)),
      byGroup: [...this.byGroup]
        .filter(([, count]) => count > 0)
        .map(([group, count]) => ({ group, accounts: count }))
        .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0)),
      errors: [...this.errors],
      errorCount: this.errorTotal,
    };
  }

  /** Database duplicates arrive after later rows' errors: keep the first ones by line, not by arrival. */
  private trimErrors(): void {
    // A stable sort: a row's errors stay in the order its columns were checked.
    this.errors.sort((a, b) => a.line - b.line);
    if (this.errors.length > MAX_KEPT_ERRORS) this.errors.length = MAX_KEPT_ERRORS;
  }
}

function previewOf(account: CheckedAccount): BatchRowPreview {
  return {
    line: account.line,
    way: account.way,
    type: account.type,
    group: account.group.name,
    username: account.username ?? null,
    number: account.number,
    secondaryNumber: account.secondaryNumber,
    profile: account.profile?.name ?? null,
    enabled: account.enabled,
  };
}
