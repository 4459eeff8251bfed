import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../sip.ts';

/** The bad-input corpus lives as data under test/corpus/, one file per front end. */
export function readCorpus<T>(name: string): T {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'test/corpus', name), 'utf8')) as T;
}

export type TerminalCase = { args: string[]; field: string; isProcess?: boolean };

type TerminalCorpus = {
  bases: Record<string, string[]>;
  flagCases: { base: string; flag: string; field?: string; values: string[] }[];
  cases: TerminalCase[];
};

/** The base command with `flag` set to `value` (replaced where the base has it, else added). */
function withFlag(base: string[], flag: string, value: string): string[] {
  const args = [...base];
  const at = args.indexOf(flag);
  if (at >= 0) args[at + 1] = value;
  else args.push(flag, value);
  return args;
}

export function terminalCases(): TerminalCase[] {
  const corpus = readCorpus<TerminalCorpus>('terminal.json');
  const expanded = corpus.flagCases.flatMap(({ base, flag, field, values }) => {
    const args = corpus.bases[base];
    if (!args) throw new Error(`terminal.json: no base "${base}"`);
    return values.map((value) => ({ args: withFlag(args, flag, value), field: field ?? flag }));
  });
  return [...expanded, ...corpus.cases];
}

export type CsvCase = { name: string; field: string; csv: string };

type CsvCorpus = {
  rows: Record<string, Record<string, string>>;
  cellCases: { row: string; column: string; values: string[] }[];
  files: CsvCase[];
};

const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;

/** Each bad cell in its own file: the good row with that column set, every cell quoted. */
export function csvCases(): CsvCase[] {
  const corpus = readCorpus<CsvCorpus>('csv.json');
  const cells = corpus.cellCases.flatMap(({ row, column, values }) => {
    const good = corpus.rows[row];
    if (!good) throw new Error(`csv.json: no row "${row}"`);
    return values.map((value) => {
      const cells = { ...good, [column]: value };
      const header = Object.keys(cells).join(',');
      const line = Object.values(cells).map(quote).join(',');
      return {
        name: `${row} ${column}=${JSON.stringify(value)}`,
        field: column,
        csv: `${header}\n${line}\n`,
      };
    });
  });
  return [...cells, ...corpus.files];
}

export type SlackCommandCase = { text: string; field: string; user?: 'support' | 'admin' };
export type SlackFormCase = { open: string; values: Record<string, string>; field: string };

type SlackCorpus = {
  commands: SlackCommandCase[];
  forms: { open: string; good: Record<string, string>; fields: Record<string, string[]> }[];
};

export function slackCases(): { commands: SlackCommandCase[]; forms: SlackFormCase[] } {
  const corpus = readCorpus<SlackCorpus>('slack.json');
  const forms = corpus.forms.flatMap(({ open, good, fields }) =>
    Object.entries(fields).flatMap(([field, values]) =>
      values.map((value) => ({ open, field, values: { ...good, [field]: value } })),
    ),
  );
  return { commands: corpus.commands, forms };
}

export type HttpCase = {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  bodyRepeat?: { text: string; times: number };
  status: number[];
  /** What the body must mention (alternatives separated by |); null when only the status says it. */
  field: string | null;
};

export function httpCases(): HttpCase[] {
  return readCorpus<{ cases: HttpCase[] }>('http.json').cases;
}
