/** The write-back checks more than one tracker makes of its source file, in the same words. */
import { configuredFields, configuredLabels, type WriteBackConfig } from '../../src/config/write-back-config.js';
import type { SourceIssue } from '../../src/config/source-settings.js';

/** For a tracker whose issues have no custom fields: `use` says what shows the deadlines there. */
export function noCustomFields(tracker: string, config: Pick<WriteBackConfig, 'fields'>, use: string): SourceIssue[] {
  return configuredFields(config).length > 0 ? [{ path: ['write_back', 'fields'], message: `${tracker} issues have no custom fields; ${use}` }] : [];
}

/** For a tracker whose issues have no custom fields to watch. */
export function noWatchedFields(tracker: string, watched: Readonly<Record<string, string>>): SourceIssue[] {
  return Object.keys(watched).length > 0 ? [{ path: ['watched_fields'], message: `${tracker} issues have no custom fields to watch; approve hours by status or label` }] : [];
}

/** For a tracker the bridge writes no labels to. */
export function noSlaLabels(tracker: string, config: Pick<WriteBackConfig, 'labels'>): SourceIssue[] {
  return configuredLabels(config).length > 0 ? [{ path: ['write_back', 'labels'], message: `the bridge writes no SLA labels to ${tracker}; use fields` }] : [];
}
