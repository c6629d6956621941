import pino, { Logger } from 'pino';

/** JSON logs for machines; pretty ones when a person watches the terminal. */
export function createLogger(level: string, bindings: Record<string, unknown>): Logger {
  const pretty = process.stdout.isTTY;
  const transport = pretty ? { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l' } } : undefined;
  return pino({ level, base: bindings, ...(transport ? { transport } : {}) });
}
