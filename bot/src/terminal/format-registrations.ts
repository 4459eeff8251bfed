import type { ClientList } from '@sipops/shared/use-cases/list-clients';
import type { AccountRegistrations } from '@sipops/shared/use-cases/show-registrations';

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '),
    )
    .join('\n');
}

/** `clients`: one line a registered phone. */
export function formatClients(list: Extract<ClientList, { state: 'connected' }>): string {
  if (list.clients.length === 0) return 'nobody is registered\n';
  const rows = list.clients.map((c) => [
    c.username,
    c.number,
    c.group,
    c.contact,
    c.userAgent || '-',
    c.expires ?? 'permanent',
  ]);
  return `${table([['USERNAME', 'NUMBER', 'GROUP', 'CONTACT', 'USER AGENT', 'EXPIRES'], ...rows])}\n`;
}

/** `clients --json`: the registrations, one object each. */
export function toClientsJson(list: Extract<ClientList, { state: 'connected' }>) {
  return list.clients.map((c) => ({
    username: c.username,
    number: c.number,
    group: c.group,
    registeredAs: c.registeredAs,
    contact: c.contact,
    received: c.received,
    userAgent: c.userAgent,
    expires: c.expires,
  }));
}

/** Under `show`'s card: who is registered now, and what the registrar confirmed last. */
export function formatRegistrations({ reading, removal }: AccountRegistrations): string {
  const lines: string[] = [];
  if (reading.state !== 'connected') lines.push(reading.reason);
  else if (reading.registrations.length === 0) lines.push('registered now: no phone');
  else {
    lines.push(`registered now: ${reading.registrations.length} phone(s)`);
    for (const r of reading.registrations)
      lines.push(
        `  ${r.contact}  ${r.userAgent || '-'}  until ${r.expires ?? 'never (permanent)'}`,
      );
  }
  if (removal) {
    switch (removal.state) {
      case 'done':
        lines.push(
          `registrar: confirmed the removal of live registrations at ${removal.doneAt} (asked ${removal.requestedAt})`,
        );
        break;
      case 'pending':
        lines.push(
          `registrar: removal of live registrations asked ${removal.requestedAt}, not confirmed yet${removal.lastError ? ` (try ${removal.attempts}: ${removal.lastError})` : ''}`,
        );
        break;
      case 'skipped':
        lines.push(
          'registrar: live registrations were not removed: SIPOPS_KAMAILIO_RPC_URL is not set',
        );
        break;
      case 'failed':
        lines.push(`registrar: the removal of live registrations failed: ${removal.lastError}`);
        break;
    }
  }
  return `${lines.join('\n')}\n`;
}
