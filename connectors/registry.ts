/** Every tracker connector, by source kind: the only list `src/` consults. */
import type { ConnectorRegistry } from './connector.js';
import { giteaConnector } from './gitea/index.js';
import { gitlabConnector } from './gitlab/index.js';
import { githubConnector } from './github/index.js';
import { jiraConnector } from './jira/index.js';
import { mantisConnector } from './mantis/index.js';

export const trackerConnectors: ConnectorRegistry = {
  jira: jiraConnector,
  gitea: giteaConnector,
  // Forgejo sends every Gitea header and body; only its name differs.
  forgejo: { ...giteaConnector, displayName: 'Forgejo' },
  mantis: mantisConnector,
  gitlab: gitlabConnector,
  github: githubConnector,
};
