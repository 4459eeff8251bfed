/** Every refusal the domain can give; edges map these codes to exit codes, pages and Slack messages. */
export type AppErrorCode =
  | 'VALIDATION'
  | 'INVALID_PHONE'
  | 'NOT_MOBILE'
  | 'INVALID_RULE'
  | 'DUPLICATE_NUMBER'
  | 'DUPLICATE_USERNAME'
  | 'DUPLICATE_NAME'
  | 'NOT_FOUND'
  | 'AMBIGUOUS'
  | 'FORBIDDEN'
  | 'INVALID_TRANSITION'
  | 'NOT_ALLOWED'
  | 'LINK_EXPIRED'
  | 'TOO_MANY_ATTEMPTS'
  | 'CONFLICT';

export type FieldIssue = { field: string; message: string };

export type AppErrorOptions = {
  /** The input field the error concerns, in the operator's words (`number`, `obfuscationKey`). */
  field?: string;
  /** Every refused field when several are wrong at once (a form shows them all). */
  issues?: FieldIssue[];
  cause?: unknown;
};

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly field: string | undefined;
  readonly issues: FieldIssue[];

  constructor(code: AppErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.field = options.field;
    this.issues = options.issues ?? (options.field ? [{ field: options.field, message }] : []);
  }

  /** `field: message`, the form every front end shows. */
  describe(): string {
    return this.field ? `${this.field}: ${this.message}` : this.message;
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

/** Refuses with every field issue at once, naming the first; does nothing when there are none. */
export function assertNoIssues(code: AppErrorCode, issues: FieldIssue[]): void {
  const [first] = issues;
  if (first) throw new AppError(code, first.message, { field: first.field, issues });
}
