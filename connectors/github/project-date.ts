/**
 * The due date in a GitHub Project (Projects v2), through the GraphQL API: GitHub issues have no
 * due date of their own. One query finds the project, its Date field and the issue's item in it
 * with the date it holds; then `updateProjectV2ItemFieldValue` sets the date (`{date: "YYYY-MM-DD"}`)
 * or `clearProjectV2ItemFieldValue` empties it. An issue not yet in the project is added with
 * `addProjectV2ItemById` (which answers the existing item when it is already there), since the
 * date needs the item's id. Reading the date back each time is what shows the bridge someone's
 * edit of it: project field changes send no `issues` webhook.
 *
 * GraphQL answers most failures with 200 and an `errors` list; reads fail on them here, with the
 * messages. A mutation's errors are not seen by the sender (it checks the status), but the next
 * write-back reads the date again and writes it once more.
 */
import { z } from 'zod';
import type { Source } from '../../src/config/source.js';
import type { IssueRef, TrackerLookup } from '../connector.js';
import type { OutboundRequest } from '../outbound-request.js';
import { requireApiToken } from '../shared/write-back-requests.js';
import { githubApiHeaders, githubApiUrls } from './api-urls.js';
import { githubIssueAddress } from './issue-ref.js';
import type { GithubProject } from './source-settings.js';

const ITEM_FIELDS = 'id projectItems(first: 100) { nodes { id project { id } fieldValueByName(name: $field) { ... on ProjectV2ItemFieldDateValue { date } } } }';
const PROJECT_FIELDS = 'id field(name: $field) { ... on ProjectV2FieldCommon { id name dataType } }';

const BY_NUMBER =
  'query($owner: String!, $repo: String!, $number: Int!, $projectOwner: String!, $projectNumber: Int!, $field: String!) { ' +
  `repository(owner: $owner, name: $repo) { issue(number: $number) { ${ITEM_FIELDS} } } ` +
  `repositoryOwner(login: $projectOwner) { ... on ProjectV2Owner { projectV2(number: $projectNumber) { ${PROJECT_FIELDS} } } } }`;
const BY_ID =
  'query($owner: String!, $repo: String!, $number: Int!, $project: ID!, $field: String!) { ' +
  `repository(owner: $owner, name: $repo) { issue(number: $number) { ${ITEM_FIELDS} } } ` +
  `node(id: $project) { ... on ProjectV2 { ${PROJECT_FIELDS} } } }`;

const UPDATE = 'mutation($project: ID!, $item: ID!, $field: ID!, $date: Date!) { updateProjectV2ItemFieldValue(input: {projectId: $project, itemId: $item, fieldId: $field, value: {date: $date}}) { projectV2Item { id } } }';
const CLEAR = 'mutation($project: ID!, $item: ID!, $field: ID!) { clearProjectV2ItemFieldValue(input: {projectId: $project, itemId: $item, fieldId: $field}) { projectV2Item { id } } }';
const ADD = 'mutation($project: ID!, $issue: ID!) { addProjectV2ItemById(input: {projectId: $project, contentId: $issue}) { item { id } } }';

/** The project, its field and the issue's item in it, as one query found them. */
export interface ProjectDateTarget {
  readonly projectId: string;
  readonly fieldId: string;
  readonly issueId: string;
  /** Undefined while the issue is not in the project. */
  readonly itemId: string | undefined;
  /** What the field holds for the issue (`YYYY-MM-DD`), null for nothing. */
  readonly date: string | null;
}

const projectName = (project: GithubProject) => (project.id !== undefined ? `project ${project.id}` : `project ${project.owner}#${project.number}`);

function graphqlRequest(source: Source, query: string, variables: Record<string, unknown>, description: string): OutboundRequest {
  return {
    method: 'POST',
    url: githubApiUrls(source).graphql,
    headers: { ...githubApiHeaders(requireApiToken(source)), 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
    description,
  };
}

/** The query that finds the project, its field and the issue's item with its date. */
export function projectItemQuery(source: Source, project: GithubProject, issue: IssueRef): OutboundRequest {
  const { owner, repo, number } = githubIssueAddress(issue);
  const common = { owner, repo, number, field: project.field };
  const [query, variables] = project.id !== undefined ? [BY_ID, { ...common, project: project.id }] : [BY_NUMBER, { ...common, projectOwner: project.owner, projectNumber: project.number }];
  return graphqlRequest(source, query, variables, `${source.kind} ${source.id}: ${projectName(project)} item of ${issue.key}`);
}

const fieldSchema = z.looseObject({ id: z.string(), name: z.string().nullish(), dataType: z.string().nullish() });
const projectSchema = z.looseObject({ id: z.string(), field: fieldSchema.nullish() });
const answerSchema = z.looseObject({
  data: z
    .looseObject({
      repository: z
        .looseObject({
          issue: z
            .looseObject({
              id: z.string(),
              projectItems: z.looseObject({
                nodes: z.array(z.looseObject({ id: z.string(), project: z.looseObject({ id: z.string() }), fieldValueByName: z.looseObject({ date: z.string().nullish() }).nullish() }).nullable()),
              }),
            })
            .nullish(),
        })
        .nullish(),
      repositoryOwner: z.looseObject({ projectV2: projectSchema.nullish() }).nullish(),
      node: projectSchema.nullish(),
    })
    .nullish(),
  errors: z.array(z.looseObject({ message: z.string().nullish(), type: z.string().nullish() })).nullish(),
});

function graphqlErrors(answer: z.output<typeof answerSchema>): string | undefined {
  const messages = (answer.errors ?? []).map((error) => error.message ?? error.type ?? 'error');
  return messages.length > 0 ? messages.join('; ') : undefined;
}

/** Reads the project's field and the issue's item; throws with GitHub's words when either is not there. */
export async function readProjectDate(source: Source, project: GithubProject, issue: IssueRef, lookup: TrackerLookup): Promise<ProjectDateTarget> {
  const request = projectItemQuery(source, project, issue);
  const parsed = answerSchema.safeParse(await lookup(request));
  if (!parsed.success) throw new Error(`${request.description}: not a GraphQL answer the bridge understands (${parsed.error.issues[0]?.message ?? 'unreadable'})`);
  const errors = graphqlErrors(parsed.data);
  const found = parsed.data.data;
  const projectNode = project.id !== undefined ? found?.node : found?.repositoryOwner?.projectV2;
  const issueNode = found?.repository?.issue;
  if (!projectNode) throw new Error(`${request.description}: ${projectName(project)} not found, or the token may not read it (it needs the project scope)${errors ? `: ${errors}` : ''}`);
  if (!issueNode) throw new Error(`${request.description}: GitHub has no issue ${issue.key}${errors ? `: ${errors}` : ''}`);
  const field = projectNode.field;
  if (!field) throw new Error(`${request.description}: ${projectName(project)} has no field "${project.field}"`);
  if (field.dataType !== 'DATE') throw new Error(`${request.description}: field "${project.field}" of ${projectName(project)} is ${field.dataType ?? 'not a plain field'}, not a Date field`);
  const item = issueNode.projectItems.nodes.find((node) => node?.project.id === projectNode.id);
  return { projectId: projectNode.id, fieldId: field.id, issueId: issueNode.id, itemId: item?.id, date: item?.fieldValueByName?.date ?? null };
}

const addAnswerSchema = z.looseObject({
  data: z.looseObject({ addProjectV2ItemById: z.looseObject({ item: z.looseObject({ id: z.string() }).nullish() }).nullish() }).nullish(),
  errors: z.array(z.looseObject({ message: z.string().nullish(), type: z.string().nullish() })).nullish(),
});

/** Adds the issue to the project (or finds its item there) and answers the item's id. */
export async function addProjectItem(source: Source, project: GithubProject, issue: IssueRef, target: ProjectDateTarget, lookup: TrackerLookup): Promise<string> {
  const request = graphqlRequest(source, ADD, { project: target.projectId, issue: target.issueId }, `${source.kind} ${source.id}: ${issue.key} into ${projectName(project)}`);
  const parsed = addAnswerSchema.safeParse(await lookup(request));
  const id = parsed.success ? parsed.data.data?.addProjectV2ItemById?.item?.id : undefined;
  if (id) return id;
  const errors = parsed.success ? (parsed.data.errors ?? []).map((error) => error.message ?? error.type).join('; ') : 'unreadable answer';
  throw new Error(`${request.description}: GitHub did not add it${errors ? `: ${errors}` : ''}`);
}

/** The request that makes the field show `date`, or empties it. */
export function projectDateRequest(source: Source, project: GithubProject, issue: IssueRef, target: ProjectDateTarget & { readonly itemId: string }, date: string | null): OutboundRequest {
  const ids = { project: target.projectId, item: target.itemId, field: target.fieldId };
  const description = `${source.kind} ${source.id}: SLA due date of ${issue.key} in ${projectName(project)}`;
  return date === null ? graphqlRequest(source, CLEAR, ids, description) : graphqlRequest(source, UPDATE, { ...ids, date }, description);
}
