/**
 * What a Jira source file may ask: deadline fields are date-time custom fields by id (Jira's field
 * names are neither unique nor the same in every user's language); no labels.
 */
import { configuredFields } from '../../src/config/write-back-config.js';
import { sourceSettings } from '../../src/config/source-settings.js';
import { noSlaLabels } from '../shared/settings-checks.js';

const JIRA_CUSTOM_FIELD = /^customfield_\d+$/;

export const jiraSourceSettings = sourceSettings({
  shape: {},
  check: (file) => [
    ...configuredFields(file.write_back)
      .filter(([, field]) => !JIRA_CUSTOM_FIELD.test(field))
      .map(([metric, field]) => ({ path: ['write_back', 'fields', metric], message: `"${field}" is not a Jira custom field id (use e.g. customfield_10050)` })),
    ...noSlaLabels('Jira', file.write_back),
    ...Object.entries(file.watched_fields)
      .filter(([, field]) => !JIRA_CUSTOM_FIELD.test(field))
      .map(([name, field]) => ({ path: ['watched_fields', name], message: `"${field}" is not a Jira custom field id (use e.g. customfield_10070)` })),
  ],
  compile: () => undefined,
});
