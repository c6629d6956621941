/**
 * The `ordo` command: `ordo server` runs a node; the other commands talk to a cluster.
 * `ordo --help` lists them.
 */
import { Command } from 'commander';
import { DEFAULT_ENDPOINTS, registerClientCommands } from './client-commands';
import { registerLogCommands } from './log-commands';
import { registerMemberCommands } from './member-commands';
import { runServer, ServerFlags } from './server-command';
import { checkHistoryCommand } from '../check/cli-entry';

const program = new Command('ordo')
  .description('ordo: a Raft-replicated log and key/value store')
  .option('--endpoints <list>', 'client endpoints, comma-separated (env ORDO_ENDPOINTS)', process.env.ORDO_ENDPOINTS ?? DEFAULT_ENDPOINTS)
  .option('--deadline-ms <ms>', 'give up on a command after this long, retries included', '10000')
  .showHelpAfterError();

program
  .command('server')
  .description('run one node (flags override --config FILE, a JSON object with the same fields in camelCase)')
  .option('--config <file>', 'JSON config file')
  .option('--id <n>', 'this node\'s id (must appear in --members)')
  .option('--cluster <name>', 'cluster name; peers of another cluster are refused (default ordo)')
  .option('--members <list>', 'every member as id=clientHost:port/peerHost:port, comma-separated')
  .option('--join', 'this node is not a bootstrap voter: --members lists the cluster\'s bootstrap members and this node; it serves once added (ordo member add)')
  .option('--listen <host:port>', 'client address to listen on (default: this member\'s client address)')
  .option('--peer-listen <host:port>', 'peer address to listen on (default: this member\'s peer address)')
  .option('--data-dir <dir>', 'where this node keeps its LevelDB')
  .option('--tick-ms <ms>', 'Raft tick length')
  .option('--heartbeat-ms <ms>', 'leader heartbeat interval')
  .option('--election-ms <ms>', 'election timeout (randomized up to twice this)')
  .option('--watch-progress-notify-ms <ms>', 'how often an idle etcd watch with progress_notify reports progress (etcd: 10 min)')
  .option('--key-bytes-max <n>', 'largest key accepted')
  .option('--value-bytes-max <n>', 'largest value accepted')
  .option('--snapshot-entries <n>', 'snapshot the state and compact the log after this many applied entries (default 10000)')
  .option('--snapshot-bytes <n>', '... or after this many bytes of applied entries (default 64 MiB)')
  .option('--snapshot-trailing-entries <n>', 'entries kept below a snapshot for followers slightly behind (default 1000)')
  .option('--log-level <level>', 'pino log level')
  .action((flags: ServerFlags) => runServer(flags));

registerClientCommands(program);
registerLogCommands(program);
registerMemberCommands(program);

program
  .command('check-history <file>')
  .description('check a recorded history for linearizability; prints linearizable | not linearizable | unknown (exit 0 | 1 | 2)')
  .requiredOption('--model <model>', 'register | kv | log')
  .option('--format <format>', 'jepsen-etcd | jepsen-edn | jsonl (default: detected from the first line)')
  .option('--time-limit-ms <ms>', 'give up with "unknown" after this long', '10000')
  .action(async (file: string, o: { model: string; format?: string; timeLimitMs: string }) => {
    const { exitCode, stdout } = await checkHistoryCommand(file, { model: o.model, format: o.format, timeLimitMs: Number(o.timeLimitMs) });
    process.stdout.write(stdout);
    process.exitCode = exitCode;
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`ordo: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
