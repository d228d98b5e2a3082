/** `sla-bridge what-if`: its options, registered on the program by one line in program.ts. */
import { Option, type Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { whatIfCommand, type WhatIfOptions } from './what-if-command.js';

export function registerWhatIf(program: Command, io: CliIo, configOption: () => Option, run: (io: CliIo, action: () => Promise<number>) => Promise<void>): void {
  program
    .command('what-if')
    .description('the monthly report of past months as it was and as it would have been under a changed contract or calendar file, from the stored event logs; changes nothing')
    .requiredOption('--contract <id>', 'contract id, e.g. open2bizz-saas')
    .requiredOption('--month <YYYY-MM>', "first month, in the contract calendar's zone")
    .option('--months <n>', 'how many months from --month', '1')
    .requiredOption('--with <file>', 'a contract or calendar YAML file, as in config/contracts/ or config/calendars/')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv', 'html']).default('json'))
    .addOption(configOption())
    .action((options: WhatIfOptions) => run(io, () => whatIfCommand(options, io)));
}
