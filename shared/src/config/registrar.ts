import { z } from 'zod';
import { httpUrlSchema } from './fields.ts';
import { definePart, type Env, readPart } from './read.ts';

export const registrarSchema = z.object({
  /** Kamailio's JSON-RPC (jsonrpcs over xhttp), where live registrations are removed. */
  SIPOPS_KAMAILIO_RPC_URL: httpUrlSchema('http://127.0.0.1:5071/RPC'),
});

export type RegistrarConfig = { rpcUrl: string | undefined };

/** The registrar's control URL; unset, removals of live registrations are skipped. */
export const registrarPart = definePart(
  registrarSchema,
  (values): RegistrarConfig => ({ rpcUrl: values.SIPOPS_KAMAILIO_RPC_URL }),
);

export function readRegistrarConfig(env: Env): RegistrarConfig {
  return readPart(env, registrarPart);
}
