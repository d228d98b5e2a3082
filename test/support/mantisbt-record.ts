/**
 * Records what the SlaBridge plugin really posts from a real MantisBT (test/support/mantisbt.ts),
 * scenario by scenario, for the fixtures in test/fixtures/mantis/recorded/ and the notes on how
 * MantisBT behaves. Run: `npx tsx test/support/mantisbt-record.ts OUT_DIR`.
 */
import { createHmac } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {
  addNote,
  changeStatus,
  configureSlaBridge,
  deleteIssue,
  editIssue,
  installMantis,
  MantisRest,
  PRIORITY,
  reportIssue,
  resolveIssue,
  setUpServiceDesk,
  STATUS,
  type InstallTimings,
} from './mantisbt.js';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly receivedAt: string;
}

function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: new Date().toISOString() });
      response.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"queued"}');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}/webhooks/mantis-real`, received, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

const SECRET = 'recording-secret';

async function main(outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const receiver = await startReceiver();
  const timings: InstallTimings = {};
  const mantis = await installMantis({ timings });
  const notes: Record<string, unknown> = { timings };
  try {
    const started = Date.now();
    const { projectId, customer, agent, bridgeUser } = await setUpServiceDesk(mantis);
    await configureSlaBridge(mantis.admin, { url: receiver.url, secret: SECRET });
    timings.setup = Date.now() - started;
    const asCustomer = new MantisRest(mantis.url, customer.token);
    const asAgent = new MantisRest(mantis.url, agent.token);
    const asBridge = new MantisRest(mantis.url, bridgeUser.token);
    const pluginVersion = '1.1.0';

    let seen = 0;
    const record = async (scenario: string, description: string, action: () => Promise<unknown>, extra: () => Promise<Record<string, unknown>> = async () => ({})) => {
      const result = await action();
      const bodies = receiver.received.slice(seen);
      seen = receiver.received.length;
      const file = {
        scenario,
        description,
        recorded: new Date().toISOString(),
        mantisbt: mantis.version,
        platform: 'Debian 12, PHP 8.2, MariaDB 10.11, php -S',
        plugin: `SlaBridge ${pluginVersion}`,
        secret: SECRET,
        deliveries: bodies.map((delivery) => ({
          method: delivery.method,
          path: delivery.url,
          headers: delivery.headers,
          signature_valid: createHmac('sha256', SECRET).update(delivery.body).digest('hex') === delivery.headers['x-mantis-signature'],
          body: delivery.body,
          payload: JSON.parse(delivery.body) as unknown,
        })),
        ...(await extra()),
        ...(result && typeof result === 'object' ? { result } : {}),
      };
      writeFileSync(path.join(outDir, `${scenario}.json`), `${JSON.stringify(file, null, 2)}\n`);
      console.log(`${scenario}: ${bodies.length} deliveries ${bodies.map((delivery) => delivery.headers['x-mantis-event']).join(', ')}`);
      return result;
    };
    const restView = async (id: number) => {
      const issue = await asAgent.getIssue(id);
      return {
        rest_after: {
          status: issue.status,
          priority: issue.priority,
          due_date: issue.due_date,
          custom_fields: issue.custom_fields,
          history: issue.history,
        },
      };
    };

    // 1. A customer reports on the web.
    let webIssue = 0;
    await record('web-report', 'the reporter (access 25) submits Report Issue with priority high', async () => {
      webIssue = await reportIssue(customer.web, { projectId, summary: 'Portal login fails', description: 'Since this morning nobody can log in.', priority: PRIORITY.high });
    });
    // 2. The agent's first public note on it.
    await record('web-agent-note', 'the developer (access 55) adds a public note on the web-reported issue', () => addNote(agent.web, webIssue, 'Looking into it now.'));

    // 3. A customer reports through REST.
    let restIssue = 0;
    await record('rest-report', 'the reporter POSTs /api/rest/issues with priority urgent', async () => {
      restIssue = (await asCustomer.createIssue({ projectId, summary: 'Invoices are not sent', priority: 'urgent' })).id;
      return { rest_issue_id: restIssue };
    });

    // 4. The bridge's write-back, exactly as connectors/mantis/write-back.ts sends it.
    const reaction = Math.floor(Date.now() / 1000) + 3 * 3600 + 17 * 60 + 23;
    const resolution = reaction + 2 * 86400 + 41;
    const dueDate = new Date(reaction * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    await record(
      'rest-write-back-patch',
      'the API user (developer) PATCHes custom fields and due_date like write-back.ts',
      () =>
        asBridge.patchIssue(restIssue, {
          custom_fields: [
            { field: { name: 'SLA reaction' }, value: String(reaction) },
            { field: { name: 'SLA resolution' }, value: String(resolution) },
          ],
          due_date: dueDate,
        }),
      async () => ({ written: { reaction, resolution, due_date: dueDate }, ...(await restView(restIssue)) }),
    );

    // 5. The agent raises the priority on the edit page: every shown field goes back as the page shows it.
    await record('web-edit-priority', 'the developer changes only the priority (urgent -> immediate) on bug_update_page.php', () => editIssue(agent.web, restIssue, { priority: String(PRIORITY.immediate) }), async () => ({
      written_before: { reaction, resolution, due_date: dueDate },
      ...(await restView(restIssue)),
    }));

    // 6. The agent asks the customer for feedback.
    await record('web-status-feedback', 'the developer changes the status to feedback on bug_change_status_page.php', () => changeStatus(agent.web, restIssue, STATUS.feedback, { bugnote_text: 'Which browser do you use?' }), () =>
      restView(restIssue),
    );

    // 7. The customer answers on the web: reassign_on_feedback moves the issue out of feedback first.
    await record('web-reporter-note-on-feedback', 'the reporter adds a public note while the issue is in feedback', () => addNote(customer.web, restIssue, 'Firefox 128 on Windows.'), () => restView(restIssue));

    // 8. A note through REST.
    await record('rest-agent-note', 'the developer POSTs /api/rest/issues/{id}/notes', () => asAgent.addNote(restIssue, 'Found it: a certificate expired.'));

    // 9. The agent resolves it.
    await record('web-resolve', 'the developer resolves the issue as fixed on bug_change_status_page.php', () => resolveIssue(agent.web, restIssue, 'Certificate renewed.'), () => restView(restIssue));

    // 9b. Writing to the resolved issue: MantisBT makes it read-only below update_readonly_bug_threshold.
    const clear = { custom_fields: [{ field: { name: 'SLA resolution' }, value: '' }], due_date: '' };
    await record('rest-patch-resolved', 'a developer, then the manager-level API user, PATCH the resolved issue as write-back.ts would', async () => ({
      as_developer: await asAgent.request('PATCH', `issues/${restIssue}`, clear),
      as_manager: { status: (await asBridge.request('PATCH', `issues/${restIssue}`, clear)).status },
    }));

    // 10. A REST update of the priority: no plugin event.
    await record('rest-patch-priority', 'the developer PATCHes the web-reported issue priority to urgent', () => asAgent.patchIssue(webIssue, { priority: { name: 'urgent' } }), () => restView(webIssue));

    // 11. Deleting.
    await record('web-delete', 'the developer deletes the web-reported issue (Delete, then Delete Issues)', () => deleteIssue(agent.web, webIssue), async () => ({
      rest_get_after_delete: await asBridge.request('GET', `issues/${webIssue}`),
      rest_patch_after_delete: await asBridge.request('PATCH', `issues/${webIssue}`, { custom_fields: [{ field: { name: 'SLA reaction' }, value: '' }] }),
    }));

    // 12. Created and patched at once through REST: what the history says, for one integration
    // (the same user) and for two people.
    const createThenPatch = async (scenario: string, description: string, creator: MantisRest) =>
      record(
        scenario,
        description,
        async () => {
          const created = await creator.createIssue({ projectId, summary: 'Search is slow', priority: 'normal' });
          await asAgent.patchIssue(created.id, { priority: { name: 'high' } });
          return { rest_issue_id: created.id };
        },
        async () => {
          const id = Number((JSON.parse(receiver.received.at(-1)!.body) as { issue: { id: number } }).issue.id);
          return {
            ...(await restView(id)),
            history_rows: await mantis.sql(`SELECT id, user_id, FROM_UNIXTIME(date_modified), field_name, old_value, new_value, type FROM mantis_bug_history_table WHERE bug_id = ${id} ORDER BY id`),
          };
        },
      );
    await createThenPatch('rest-create-then-patch', 'the developer POSTs an issue (priority normal) and PATCHes its priority to high right away', asAgent);
    await createThenPatch('rest-create-then-patch-other-user', 'the reporter POSTs an issue (priority normal) and the developer PATCHes its priority to high right away', asCustomer);
    notes.phpLogErrors = mantis
      .phpLog()
      .split('\n')
      .filter((line) => /SlaBridge|PHP (Warning|Fatal|Deprecated|Notice)/.test(line));
    writeFileSync(path.join(outDir, 'run.json'), `${JSON.stringify(notes, null, 2)}\n`);
  } finally {
    await mantis.stop();
    await receiver.close();
  }

}

await main(process.argv[2] ?? '/work/notes/mantis-recorded');
