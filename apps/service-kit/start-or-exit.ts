/** Runs a server entry's start-up; on failure (an invalid env value, a port in use) prints why and exits 1. */
export function startOrExit(start: () => Promise<void>): void {
  start().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
