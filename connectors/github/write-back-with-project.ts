/**
 * The write-back builder: labels and the breach comment need nothing but the issue's address; the
 * Project date first reads the project's field and the issue's item (and adds the issue to the
 * project when it must show a date there: an issue that is not in it holds no date, so only a
 * date to show gets that far). It reads only for an issue the bridge wants a date for or wrote to
 * before, so an issue no contract covers costs no GraphQL call.
 */
import type { WriteBackBuilder } from '../connector.js';
import { changedGithubFields, githubRequests, PROJECT_DATE, type ProjectDateWrite } from './write-back.js';
import { addProjectItem, readProjectDate } from './project-date.js';
import { githubSettings } from './source-settings.js';

export const githubWriteBack: WriteBackBuilder = async (source, issue, desired, previous, lookup, shown) => {
  const config = source.writeBack;
  if (!config.enabled) return [];
  const project = config.due_date ? githubSettings(source).project : undefined;
  const target = project && (desired.nearest !== null || previous !== undefined) ? await readProjectDate(source, project, issue, lookup) : undefined;
  const changed = changedGithubFields(config, project, desired, previous, shown, target);
  let projectDate: ProjectDateWrite | undefined;
  if (project && target && changed.some((field) => field.key === PROJECT_DATE)) {
    const itemId = target.itemId ?? (await addProjectItem(source, project, issue, target, lookup));
    projectDate = { project, target: { ...target, itemId } };
  }
  return githubRequests(source, issue, desired, previous, changed, projectDate);
};
