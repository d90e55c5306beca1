/**
 * When releases may go out (runbooks 000, 002, 003): not on blocked weekdays (Friday
 * by default), not on listed dates, and inside the change window's hours, all in the
 * team's time zone. A hotfix waives the window and says so.
 */
import type { FactResult } from './fact.js';

export const WEEKDAYS = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface ReleaseWindow {
  timeZone: string;
  blockedWeekdays: readonly Weekday[];
  /** YYYY-MM-DD in the time zone. */
  blockedDates: readonly string[];
  /** Minutes after midnight, [from, to); absent means any time of day. */
  hours?: { from: number; to: number };
}

export interface LocalTime {
  date: string;
  weekday: Weekday;
  minutes: number;
  /** "Fri 2026-11-27 14:05 Europe/Berlin" for messages. */
  label: string;
}

export function localTime(at: Date, timeZone: string): LocalTime {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'long',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  const date = `${parts['year']}-${parts['month']}-${parts['day']}`;
  const weekday = parts['weekday'] as Weekday;
  const minutes = Number(parts['hour']) * 60 + Number(parts['minute']);
  return {
    date,
    weekday,
    minutes,
    label: `${weekday.slice(0, 3)} ${date} ${parts['hour']}:${parts['minute']} ${timeZone}`,
  };
}

export const clockTime = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

export function checkReleaseWindow(at: Date, window: ReleaseWindow, hotfix: boolean): FactResult {
  const local = localTime(at, window.timeZone);
  const blocked = window.blockedWeekdays.includes(local.weekday)
    ? `${local.weekday}s are blocked`
    : window.blockedDates.includes(local.date)
      ? `${local.date} is a blocked date`
      : window.hours && (local.minutes < window.hours.from || local.minutes >= window.hours.to)
        ? `the change window is ${clockTime(window.hours.from)}–${clockTime(window.hours.to)}`
        : undefined;
  if (!blocked)
    return { fact: 'release-window', passed: true, message: `${local.label} is inside the release window` };
  if (hotfix)
    return {
      fact: 'release-window',
      passed: true,
      waived: true,
      message: `${local.label}: ${blocked}, waived for a hotfix`,
    };
  return {
    fact: 'release-window',
    passed: false,
    message: `${local.label}: ${blocked}; release inside the window, or set hotfix: true for an urgent fix`,
  };
}
