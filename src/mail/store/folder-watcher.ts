import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

const DEBOUNCE_MS = 50;

/**
 * Watches a folder's new/ and cur/ (inotify) while at least one session waits for changes (IDLE), so
 * files that mutt or Dovecot add or rename are noticed within a fraction of a second. A burst of
 * events becomes one `onChange` call.
 */
export class FolderWatcher {
  private watchers: FSWatcher[] = [];
  private holders = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly path: string,
    private readonly onChange: () => void,
  ) {}

  /** Starts watching (if nobody did yet); the returned function stops this holder's interest. */
  acquire(): () => void {
    this.holders += 1;
    if (this.holders === 1) this.start();
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.holders -= 1;
      if (this.holders === 0) this.stop();
    };
  }

  stop(): void {
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private start(): void {
    for (const dir of ['new', 'cur']) {
      try {
        const watcher = watch(join(this.path, dir), { persistent: false }, () => this.schedule());
        watcher.on('error', () => undefined);
        this.watchers.push(watcher);
      } catch {
        // The folder vanished under us; the next refresh notices.
      }
    }
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onChange();
    }, DEBOUNCE_MS);
    this.timer.unref();
  }
}
