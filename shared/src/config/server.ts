import { z } from 'zod';
import { parseTrustedProxies, type TrustedProxies } from '../client-address.ts';
import { blankAsUnset, portSchema } from './fields.ts';
import { definePart } from './read.ts';

/** What one process can run: each may run alone, as many times as wanted, on Postgres. */
export const SERVER_PARTS = ['web', 'bot', 'workers'] as const;
export type ServerPart = (typeof SERVER_PARTS)[number];

/**
 * Reads a list of parts (`web,bot`, or `all`), as SIPOPS_PARTS or --parts gives it; returns the
 * problem in words when it is not one.
 */
export function parseParts(text: string): Set<ServerPart> | string {
  const names = text
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name.length > 0);
  if (names.length === 0) return `must name parts: ${SERVER_PARTS.join(', ')} (or all)`;
  if (names.length === 1 && names[0] === 'all') return new Set(SERVER_PARTS);
  const wrong = names.filter((name) => !(SERVER_PARTS as readonly string[]).includes(name));
  if (wrong.length > 0)
    return `must be parts separated by commas, from ${SERVER_PARTS.join(', ')} (or all); not ${wrong.map((n) => `"${n}"`).join(', ')}`;
  return new Set(names as ServerPart[]);
}

export const serverSchema = z.object({
  PORT: portSchema(3000),
  SIPOPS_TRUSTED_PROXIES: blankAsUnset(z.string()).transform((value, ctx) => {
    const { proxies, wrong } = parseTrustedProxies(value ?? '');
    if (wrong.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must be IP addresses or CIDR ranges separated by commas (such as 10.0.0.1,192.168.0.0/16); not ${wrong.map((e) => `"${e}"`).join(', ')}`,
      });
      return z.NEVER;
    }
    return proxies;
  }),
  SIPOPS_WORKERS: blankAsUnset(z.enum(['on', 'off'], { message: 'must be on or off' })).transform(
    (value) => value ?? 'on',
  ),
  SIPOPS_PARTS: blankAsUnset(z.string()),
});

/** The web server's own settings and the parts this process runs, before --parts is applied. */
export type ServerSettings = {
  port: number;
  /** Proxies whose X-Forwarded-For names the client; nobody else's is believed. */
  trustedProxies: TrustedProxies;
  /** SIPOPS_PARTS as set (undefined: not set). */
  partsVariable: string | undefined;
  isWorkersOff: boolean;
};

/** The port of the web app, the proxies believed, and SIPOPS_PARTS / SIPOPS_WORKERS. */
export const serverPart = definePart(
  serverSchema,
  (values): ServerSettings => ({
    port: values.PORT,
    trustedProxies: values.SIPOPS_TRUSTED_PROXIES,
    partsVariable: values.SIPOPS_PARTS,
    isWorkersOff: values.SIPOPS_WORKERS === 'off',
  }),
);

export type PartsChoice = {
  /** The parts this process runs (SIPOPS_PARTS or --parts; all by default). */
  parts: Set<ServerPart>;
  /** Where the choice came from, to name it in messages. */
  partsSource: string;
  /** The parts were named (not the default, nor SIPOPS_WORKERS=off): each must be able to run. */
  arePartsChosen: boolean;
};

/**
 * --parts, else SIPOPS_PARTS, else SIPOPS_WORKERS=off (the older way to leave the workers out);
 * the problem in words, naming where it came from, when the choice is wrong. `hasPostgres`:
 * PGlite opens in one process only, which must run every part.
 */
export function chooseParts(
  settings: ServerSettings,
  flag: string | undefined,
  hasPostgres: boolean,
): PartsChoice | string {
  const { partsVariable, isWorkersOff } = settings;
  const arePartsChosen = flag !== undefined || partsVariable !== undefined;
  let choice: PartsChoice;
  if (arePartsChosen) {
    const source = flag !== undefined ? '--parts' : 'SIPOPS_PARTS';
    const parts = parseParts(flag ?? partsVariable ?? '');
    if (typeof parts === 'string') return `${source}: ${parts}`;
    if (isWorkersOff && parts.has('workers'))
      return `${source}: runs the workers, but SIPOPS_WORKERS=off says not to: unset SIPOPS_WORKERS`;
    choice = { parts, partsSource: source, arePartsChosen };
  } else if (isWorkersOff) {
    choice = { parts: new Set(['web', 'bot']), partsSource: 'SIPOPS_WORKERS=off', arePartsChosen };
  } else {
    choice = { parts: new Set(SERVER_PARTS), partsSource: 'SIPOPS_PARTS', arePartsChosen };
  }
  const { parts, partsSource: source } = choice;
  if (!hasPostgres && parts.size < SERVER_PARTS.length)
    return `${source}: running only ${[...parts].join(',')} needs Postgres (set DATABASE_URL): the embedded database (PGlite) opens in one process, which runs every part; leave ${source === '--parts' ? '--parts' : source.split('=')[0]} unset`;
  return choice;
}
