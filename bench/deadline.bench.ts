/**
 * Deadline throughput against moment-business-time, alone: the `calendar` benchmark's table
 * (bench/suites/calendar.ts), without writing its JSON. `npm run bench -- calendar` writes it.
 */
import { formatTable } from './lib/report.js';
import { calendarBench } from './suites/calendar.js';

const result = await calendarBench({ quick: process.argv.includes('--quick') });
console.log(formatTable(result.table.header, result.table.rows));
for (const note of result.notes ?? []) console.log(note);
