import { z } from 'zod';
import { AppError, type AppErrorCode, isAppError } from './errors.ts';

/**
 * Turns a domain refusal thrown inside a zod transform into an issue that keeps its code, so one
 * parse reports every wrong field and the caller still gets `INVALID_PHONE`, not a generic error.
 */
export function addErrorIssue(ctx: z.RefinementCtx, error: unknown): typeof z.NEVER {
  if (!isAppError(error)) throw error;
  ctx.addIssue({ code: 'custom', message: error.message, params: { appCode: error.code } });
  return z.NEVER;
}

/** Wraps a domain parser (which throws AppError) as a zod transform of a string field. */
export function domainString<T>(parse: (value: string) => T) {
  return z.string({ error: 'is required' }).transform((value, ctx) => {
    try {
      return parse(value);
    } catch (error) {
      return addErrorIssue(ctx, error);
    }
  });
}

/** Parses boundary input once; every refused field lands in one AppError, the first one named. */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue) => describeIssue(issue));
  const first = issues[0] ?? { field: 'input', message: 'is not valid', code: 'VALIDATION' };
  throw new AppError(first.code, first.message, {
    field: first.field,
    issues: issues.map(({ field, message }) => ({ field, message })),
  });
}

type DescribedIssue = { field: string; message: string; code: AppErrorCode };

function describeIssue(issue: z.core.$ZodIssue): DescribedIssue[] {
  const field = issue.path.map(String).join('.') || 'input';
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      field: [...issue.path.map(String), key].join('.'),
      message: issue.message.startsWith('Unrecognized key')
        ? 'is not a known field'
        : issue.message,
      code: 'VALIDATION' as const,
    }));
  }
  const appCode = (issue as { params?: { appCode?: AppErrorCode } }).params?.appCode;
  return [{ field, message: issue.message, code: appCode ?? 'VALIDATION' }];
}
