import Holidays from 'date-holidays';

/**
 * Which public holidays close a calendar: the date-holidays rules of a country (and region),
 * filtered by holiday type, plus additions and removals by holiday name or by date.
 */
export interface HolidayRules {
  readonly country: string;
  readonly region?: string | undefined;
  /** date-holidays types that close the office, e.g. `public`; `school`, `bank`, `observance` are others. */
  readonly types: readonly string[];
  /** Holiday names (in English or the country's language) or dates (`YYYY-MM-DD` once, `MM-DD` every year). */
  readonly add: readonly string[];
  readonly remove: readonly string[];
}

const FULL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const YEARLY_DATE = /^\d{2}-\d{2}$/;

export function isHolidayDate(entry: string): boolean {
  return FULL_DATE.test(entry) || YEARLY_DATE.test(entry);
}

function matchesDate(entry: string, date: string): boolean {
  return entry === date || entry === date.slice(5);
}

interface NamedHoliday {
  readonly date: string;
  readonly type: string;
  readonly names: readonly string[];
}

export class HolidayResolver {
  private readonly native: Holidays;
  private readonly english: Holidays;
  private readonly cache = new Map<number, ReadonlyMap<string, string>>();

  constructor(private readonly rules: HolidayRules) {
    const english = { languages: ['en'] };
    this.native = rules.region ? new Holidays(rules.country, rules.region) : new Holidays(rules.country);
    this.english = rules.region ? new Holidays(rules.country, rules.region, english) : new Holidays(rules.country, english);
    if (!this.native.getCountries()[rules.country.toUpperCase()]) throw new Error(`unknown holiday country "${rules.country}"`);
    if (rules.region && !this.native.getStates(rules.country)?.[rules.region.toUpperCase()]) {
      throw new Error(`unknown holiday region "${rules.region}" of ${rules.country}`);
    }
  }

  /** Names in `add`/`remove` that are neither a date nor a holiday this country knows. */
  unknownNames(): string[] {
    const known = new Set<string>();
    for (const year of [2024, 2025, 2026, 2027, 2028]) {
      for (const holiday of this.holidaysOf(year)) for (const name of holiday.names) known.add(name.toLowerCase());
    }
    return [...this.rules.add, ...this.rules.remove].filter((entry) => !isHolidayDate(entry) && !known.has(entry.toLowerCase()));
  }

  knownNames(year: number): string[] {
    return this.holidaysOf(year).map((holiday) => holiday.names.join(' / '));
  }

  /** Closed local dates of a year, each with the holiday's name. */
  closedDates(year: number): ReadonlyMap<string, string> {
    let dates = this.cache.get(year);
    if (!dates) {
      dates = this.resolve(year);
      this.cache.set(year, dates);
    }
    return dates;
  }

  private resolve(year: number): ReadonlyMap<string, string> {
    const byName = (list: readonly string[], holiday: NamedHoliday) =>
      list.some((entry) => holiday.names.some((name) => name.toLowerCase() === entry.toLowerCase()));
    const removed = (date: string, holiday?: NamedHoliday) =>
      this.rules.remove.some((entry) => matchesDate(entry, date)) || (holiday !== undefined && byName(this.rules.remove, holiday));
    const dates = new Map<string, string>();
    for (const holiday of this.holidaysOf(year)) {
      const wanted = this.rules.types.includes(holiday.type) || byName(this.rules.add, holiday);
      if (wanted && !removed(holiday.date, holiday)) dates.set(holiday.date, holiday.names[holiday.names.length - 1]!);
    }
    for (const entry of this.rules.add) {
      if (!isHolidayDate(entry)) continue;
      const date = FULL_DATE.test(entry) ? entry : `${year}-${entry}`;
      if (date.startsWith(`${year}-`) && !removed(date)) dates.set(date, dates.get(date) ?? 'added holiday');
    }
    return dates;
  }

  private holidaysOf(year: number): NamedHoliday[] {
    const native = this.native.getHolidays(year);
    const english = new Map(this.english.getHolidays(year).map((h) => [`${h.date}|${h.rule}`, h.name]));
    return native.map((h) => {
      const englishName = english.get(`${h.date}|${h.rule}`);
      return {
        date: h.date.slice(0, 10),
        type: h.type,
        names: englishName && englishName !== h.name ? [h.name, englishName] : [h.name],
      };
    });
  }
}
