/** Progress lines on stderr, so that stdout carries only the report. */
export function logger(tag: string): (message: string) => void {
  return (message) => process.stderr.write(`[${tag} ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** One decimal for seconds and rates below 100, whole numbers above. */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
