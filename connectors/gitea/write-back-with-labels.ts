/**
 * Gitea removes a single label only by its id, so a write-back that takes an SLA label off first
 * reads the repository's label ids (page by page) through the caller's lookup.
 */
import type { WriteBackBuilder } from '../connector.js';
import { buildWriteBack, LABEL_PAGE_SIZE, labelIdsFrom, MissingLabelIdError, repoLabelsRequest } from './write-back.js';

const MAX_LABEL_PAGES = 20;

export const giteaWriteBack: WriteBackBuilder = async (source, issue, desired, previous, lookup, shown) => {
  try {
    return buildWriteBack(source, source.writeBack, issue, desired, previous, undefined, shown);
  } catch (error) {
    if (!(error instanceof MissingLabelIdError)) throw error;
    const pages: unknown[] = [];
    for (let page = 1; page <= MAX_LABEL_PAGES; page += 1) {
      const labels = await lookup(repoLabelsRequest(source, issue, page));
      pages.push(labels);
      if (!Array.isArray(labels) || labels.length < LABEL_PAGE_SIZE) break;
    }
    return buildWriteBack(source, source.writeBack, issue, desired, previous, labelIdsFrom(...pages), shown);
  }
};
