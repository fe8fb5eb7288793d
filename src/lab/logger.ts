export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  child(scope: string): Logger;
}

/** Plain lines on stderr, one per event, scoped by service; never carries secrets (the tap redacts them). */
export function createLogger(level: LogLevel, scope = 'lab', write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const emit = (at: LogLevel, message: string): void => {
    if (order[at] < order[level]) return;
    const time = new Date().toISOString().slice(11, 23);
    write(`${time} ${at.padEnd(5)} [${scope}] ${message}\n`);
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
    child: (child) => createLogger(level, child, write),
  };
}
