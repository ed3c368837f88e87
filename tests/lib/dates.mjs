// Dates as the server sees them: "today" is the office's calendar day
// (UTC+07:00, the server's default --tz), not the UTC day. Between 17:00 and
// 24:00 UTC the two differ, and a test that used the UTC day would send
// yesterday's date.
export const OFFICE_TZ_MS = 7 * 3600e3;

// YYYY-MM-DD, offset days from today on the office's calendar
export function officeDay(offset = 0) {
  return new Date(Date.now() + OFFICE_TZ_MS + offset * 86400e3).toISOString().slice(0, 10);
}
