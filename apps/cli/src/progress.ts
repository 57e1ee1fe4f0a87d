/** One progress line, redrawn in place on a terminal and printed every few seconds otherwise. */
export function progressReporter(label: string): { update(text: string): void; done(text: string): void } {
  const tty = process.stderr.isTTY;
  let last = 0;
  return {
    update(text) {
      const now = Date.now();
      if (tty) process.stderr.write(`\r\x1b[2K${label} ${text}`);
      else if (now - last > 2000) process.stderr.write(`${label} ${text}\n`);
      else return;
      last = now;
    },
    done(text) {
      process.stderr.write(`${tty ? '\r\x1b[2K' : ''}${label} ${text}\n`);
    },
  };
}

export const bar = (done: number, total: number, width = 30): string => {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(share * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} (${Math.round(share * 100)}%)`;
};
