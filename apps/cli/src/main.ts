import 'reflect-metadata';
import { Command } from 'commander';
import { loadConfigOrExit } from '@oc/config';
import { migrate } from '@oc/persistence';

/** Operator commands (SPEC §8). Each command is one call into a library; nothing here decides. */
export function buildCli(): Command {
  const program = new Command('overload-credit')
    .description('Highway overload credit service (治超信用) — operator commands')
    .showHelpAfterError();

  program
    .command('migrate')
    .description('create the database if missing and apply pending migrations')
    .action(async () => {
      const config = loadConfigOrExit();
      const applied = await migrate(config.DATABASE_URL);
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
    });

  return program;
}

export function runCli(argv: string[] = process.argv): void {
  buildCli()
    .parseAsync(argv)
    .catch((error: Error) => {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(1);
    });
}

if (require.main === module) runCli();
