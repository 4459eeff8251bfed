export * from './accounts.ts';
export * from './activation-links.ts';
export * from './batch-imports.ts';
export * from './groups.ts';
export * from './notifications.ts';
export * from './settings.ts';
export * from './sms-messages.ts';
export * from './summary.ts';
