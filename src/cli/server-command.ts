import { mkdirSync } from 'node:fs';
import { ConfigError, parseMembers, readConfigFile, serverDefaults, ServerConfig, validateConfig } from '../server/config';
import { createLogger } from '../server/logger';
import { OrdoServer } from '../server/server';

export interface ServerFlags {
  config?: string;
  id?: string;
  cluster?: string;
  listen?: string;
  peerListen?: string;
  members?: string;
  join?: boolean;
  dataDir?: string;
  tickMs?: string;
  heartbeatMs?: string;
  electionMs?: string;
  watchProgressNotifyMs?: string;
  keyBytesMax?: string;
  valueBytesMax?: string;
  snapshotEntries?: string;
  snapshotBytes?: string;
  snapshotTrailingEntries?: string;
  logLevel?: string;
}

/** Flags override the config file, which overrides the defaults. */
export function resolveServerConfig(flags: ServerFlags): ServerConfig {
  const file = flags.config ? readConfigFile(flags.config) : {};
  const num = (v: string | undefined, fallback: number | undefined) => (v === undefined ? fallback : Number(v));
  const members = flags.members ? parseMembers(flags.members) : (file.members ?? []);
  const id = num(flags.id, file.id) ?? 0;
  const self = members.find((m) => m.id === id);
  return validateConfig({
    id,
    cluster: flags.cluster ?? file.cluster ?? serverDefaults.cluster,
    listen: flags.listen ?? file.listen ?? self?.clientAddress ?? '',
    peerListen: flags.peerListen ?? file.peerListen ?? self?.peerAddress ?? '',
    members,
    join: flags.join ?? file.join ?? false,
    dataDir: flags.dataDir ?? file.dataDir ?? '',
    tickMs: num(flags.tickMs, file.tickMs) ?? serverDefaults.tickMs,
    heartbeatMs: num(flags.heartbeatMs, file.heartbeatMs) ?? serverDefaults.heartbeatMs,
    electionMs: num(flags.electionMs, file.electionMs) ?? serverDefaults.electionMs,
    watchProgressNotifyMs: num(flags.watchProgressNotifyMs, file.watchProgressNotifyMs) ?? serverDefaults.watchProgressNotifyMs,
    keyBytesMax: num(flags.keyBytesMax, file.keyBytesMax) ?? serverDefaults.keyBytesMax,
    valueBytesMax: num(flags.valueBytesMax, file.valueBytesMax) ?? serverDefaults.valueBytesMax,
    maxUncommittedBytes: file.maxUncommittedBytes ?? serverDefaults.maxUncommittedBytes,
    snapshotEntries: num(flags.snapshotEntries, file.snapshotEntries) ?? serverDefaults.snapshotEntries,
    snapshotBytes: num(flags.snapshotBytes, file.snapshotBytes) ?? serverDefaults.snapshotBytes,
    snapshotTrailingEntries: num(flags.snapshotTrailingEntries, file.snapshotTrailingEntries) ?? serverDefaults.snapshotTrailingEntries,
    logLevel: flags.logLevel ?? file.logLevel ?? serverDefaults.logLevel,
  });
}

/** `ordo server`: runs one node until SIGTERM/SIGINT, then drains and exits. */
export async function runServer(flags: ServerFlags): Promise<void> {
  let cfg: ServerConfig;
  try {
    cfg = resolveServerConfig(flags);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`ordo server: ${e.message}\n`);
    process.exit(2);
  }
  const log = createLogger(cfg.logLevel, { node: cfg.id });
  mkdirSync(cfg.dataDir, { recursive: true });
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down');
    await server.stop().catch((err: unknown) => log.error({ err }, 'shutdown failed'));
    log.flush();
    process.exit(code);
  };
  const server = new OrdoServer(cfg, log, () => void stop(1));
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
  try {
    await server.start();
  } catch (e) {
    // Corruption, an unknown on-disk format, a port in use: say what and where, then stop.
    const msg = e instanceof Error ? e.message : String(e);
    log.fatal({ dataDir: cfg.dataDir }, msg);
    process.stderr.write(`ordo server: cannot start node ${cfg.id}: ${msg}\n`);
    log.flush();
    process.exit(1);
  }
}
