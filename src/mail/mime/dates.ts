const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** A calendar day as yyyymmdd: SEARCH compares dates "disregarding time and timezone" (RFC 3501 §6.4.4). */
export type CalendarDay = number;

function day(year: number, month: number, dayOfMonth: number): CalendarDay {
  return year * 10000 + month * 100 + dayOfMonth;
}

/** The day an RFC 5322 Date field names, in its own timezone; undefined when it cannot be read. */
export function dayOfHeaderDate(value: string): CalendarDay | undefined {
  const match = /(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\s+(\d{2,4})\b/.exec(value);
  if (!match) return undefined;
  const month = MONTHS.indexOf(match[2]!.toLowerCase());
  if (month === -1) return undefined;
  let year = Number(match[3]);
  // Two- and three-digit years (RFC 5322 §4.3 obs-year).
  if (match[3]!.length === 2) year += year < 50 ? 2000 : 1900;
  else if (match[3]!.length === 3) year += 1900;
  return day(year, month + 1, Number(match[1]));
}

/** The day of an instant in the server's local time (how INTERNALDATE is compared). */
export function dayOfInstant(date: Date): CalendarDay {
  return day(date.getFullYear(), date.getMonth() + 1, date.getDate());
}

/** IMAP's `date` (RFC 3501 §9): `1-Feb-1994`; undefined when malformed. */
export function parseImapDate(text: string): CalendarDay | undefined {
  const match = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  if (!match) return undefined;
  const month = MONTHS.indexOf(match[2]!.toLowerCase());
  const dayOfMonth = Number(match[1]);
  if (month === -1 || dayOfMonth < 1 || dayOfMonth > 31) return undefined;
  return day(Number(match[3]), month + 1, dayOfMonth);
}
