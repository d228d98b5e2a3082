/** Every tracker connector, by source kind: the only list `src/` consults. */
import type { ConnectorRegistry } from './connector.js';
import { forgejoConnector, giteaConnector } from './gitea/index.js';
import { gitlabConnector } from './gitlab/index.js';
import { githubConnector } from './github/index.js';
import { jiraConnector } from './jira/index.js';
import { mantisConnector } from './mantis/index.js';

export const trackerConnectors = {
  jira: jiraConnector,
  gitea: giteaConnector,
  forgejo: forgejoConnector,
  mantis: mantisConnector,
  gitlab: gitlabConnector,
  github: githubConnector,
} satisfies ConnectorRegistry;
