import path from 'node:path';
import { Command, Option } from 'commander';
import { RedisUnreachableError } from '../app/store/redis-connection.js';
import { RedisTargetError } from '../app/store/redis-target.js';
import { ConfigError } from '../config/config-error.js';
import { packageVersion, projectRoot } from '../project-root.js';
import { CommandFailure, processIo, UsageError, type CliIo } from './cli-io.js';
import { compactCommand } from './compact-command.js';
import { deadlineCommand } from './deadline-command.js';
import { demoCommand } from './demo-command.js';
import { exportCommand } from './export-command.js';
import { explainCommand } from './explain-command.js';
import { importCommand } from './import-command.js';
import { reconcileCommand } from './reconcile-command.js';
import { reportCommand } from './report-command.js';
import { hoursStatementCommand } from './hours-statement-command.js';
import { serveCommand } from './serve-command.js';
import { validateCommand } from './validate-command.js';
import { registerWhatIf } from './what-if-program.js';
import { rotaCommand } from './rota-command.js';

const configOption = () =>
  new Option('--config <dir>', 'config directory').default(path.join(projectRoot(), 'config'), "the project's config/");

async function run(io: CliIo, action: () => number | Promise<number | void>): Promise<void> {
  try {
    const code = await action();
    if (code !== undefined) process.exitCode = code;
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`sla-bridge: the config has ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}:`);
      io.err(error.message);
    } else if (error instanceof UsageError || error instanceof CommandFailure || error instanceof RedisTargetError || error instanceof RedisUnreachableError) {
      io.err(`sla-bridge: ${error.message}`);
    } else {
      throw error;
    }
    process.exitCode = 1;
  }
}

export function buildProgram(io: CliIo = processIo): Command {
  const program = new Command('sla-bridge')
    .description('SLA clocks, breach warnings and deadline write-back for Jira, Gitea/Forgejo, GitLab, GitHub and MantisBT')
    .version(packageVersion())
    .showHelpAfterError();

  program
    .command('validate')
    .description('check the config files; exit 0 when valid, else list every problem by file and path')
    .addOption(configOption())
    .action((options: { config: string }) => run(io, () => validateCommand(options.config, io)));

  program
    .command('deadline')
    .description('print the deadline of one metric started at --from, in business time of the contract')
    .requiredOption('--contract <id>', 'contract id, e.g. open2bizz-saas')
    .requiredOption('--priority <P1|P2|P3|P4>', 'priority')
    .requiredOption('--metric <reaction|response|resolution>', 'metric')
    .requiredOption('--from <iso-8601>', "instant the metric's clock starts; without offset it is local time of the calendar")
    .addOption(configOption())
    .option('--json', 'print one JSON object with the deadline, contract, calendar and target')
    .action((options: { contract: string; priority: string; metric: string; from: string; config: string; json?: boolean }) =>
      run(io, () => deadlineCommand(options, io)),
    );

  program
    .command('rota')
    .description("print who of a team is on duty, shift by shift, in the team's local time")
    .requiredOption('--team <id>', 'team id (config/teams/<id>.yaml)')
    .option('--from <YYYY-MM-DD>', 'first day; default today in the team\'s zone')
    .option('--days <n>', 'how many days', '14')
    .addOption(configOption())
    .option('--json', 'print one JSON object with the shifts')
    .action((options: { team: string; from?: string; days: string; config: string; json?: boolean }) => run(io, () => rotaCommand(options, io)));

  program
    .command('serve')
    .description('receive tracker webhooks and keep the SLA clocks (PORT, HOST, and REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES from the environment)')
    .addOption(configOption())
    .addOption(new Option('--role <role>', 'api: webhooks only; worker: queue workers only; all: both').choices(['api', 'worker', 'all']).default('all'))
    .action((options: { config: string; role: string }) => run(io, () => serveCommand(options)));

  program
    .command('demo')
    .description('run the bridge on a demo contract with second-scale targets, send sample webhooks from each tracker and show warnings, breaches and write-backs')
    .option('--once', 'run the scenario and exit: 0 when every expected warning, breach and write-back arrived')
    .action((options: { once?: boolean }) => run(io, () => demoCommand(options, io)));

  program
    .command('report')
    .description('the monthly SLA report of a contract, from the issue states in Redis (the one serve uses)')
    .requiredOption('--contract <id>', 'contract id, e.g. open2bizz-saas')
    .requiredOption('--month <YYYY-MM>', 'month, in the contract calendar\'s zone')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv', 'html']).default('json'))
    .addOption(configOption())
    .action((options: { contract: string; month: string; format: string; config: string }) => run(io, () => reportCommand(options, io)));

  program
    .command('explain')
    .description("why each deadline of an issue is where it is: its clocks' runs and pauses with reasons, priority changes, warnings and breaches with where they went, write-backs")
    .requiredOption('--source <id>', 'source id, e.g. jira-demo')
    .requiredOption('--issue <key>', 'issue key (or id), e.g. MB-42')
    .option('--json', 'print the JSON the API answers')
    .addOption(configOption())
    .action((options: { source: string; issue: string; config: string; json?: boolean }) => run(io, () => explainCommand(options, io)));

  program
    .command('hours-statement')
    .description("the quarterly statement per associate of a contract's hours card: calls handled, billed time, amount at the card's rate")
    .requiredOption('--contract <id>', 'contract id, e.g. 2value-basic')
    .requiredOption('--quarter <YYYY-Qn>', 'quarter, e.g. 2027-Q1')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv', 'html']).default('json'))
    .addOption(configOption())
    .action((options: { contract: string; quarter: string; format: string; config: string }) => run(io, () => hoursStatementCommand(options, io)));

  program
    .command('reconcile')
    .description("ask a tracker's REST API which issues changed and apply the events the bridge missed (lost webhooks)")
    .requiredOption('--source <id>', 'source id, e.g. jira-demo')
    .requiredOption('--since <when>', 'how far back: a duration such as 24h, 2d or 1w, or an ISO 8601 date-time')
    .option('--json', 'print the result as JSON')
    .addOption(configOption())
    .action((options: { source: string; since: string; config: string; json?: boolean }) => run(io, () => reconcileCommand(options, io)));

  program
    .command('compact')
    .description("compact the event logs of issues resolved or deleted and quiet for long enough (bridge.yaml's retention, or --closed-for)")
    .option('--closed-for <duration>', 'how long an issue must have been closed without any event, e.g. 90d (at least 7d); default: retention.closed_for')
    .option('--source <id>', "only this source's issues")
    .option('--dry-run', 'count what would go, change nothing')
    .option('--json', 'print the result as JSON')
    .addOption(configOption())
    .action((options: { closedFor?: string; source?: string; dryRun?: boolean; json?: boolean; config: string }) => run(io, () => compactCommand(options, io)));

  program
    .command('export')
    .description("every issue's event log, delivery ids, sent notifications and written fields as JSON lines, from the Redis serve uses")
    .option('--out <file>', 'write to this file (complete when it appears) instead of stdout')
    .option('--source <id>', "only this source's issues")
    .action((options: { out?: string; source?: string }) => run(io, () => exportCommand(options, io)));

  program
    .command('import')
    .description('read an export into the Redis serve uses, recomputing every state from its log; issues already there are left as they are')
    .option('--in <file>', 'read this file instead of stdin')
    .option('--source <id>', "only this source's issues")
    .addOption(configOption())
    .action((options: { in?: string; source?: string; config: string }) => run(io, () => importCommand(options, io)));

  registerWhatIf(program, io, configOption, run);
  return program;
}
