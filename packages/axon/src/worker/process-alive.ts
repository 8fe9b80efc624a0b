/**
 * Whether a process with this pid exists (signal 0). EPERM counts as alive: the pid exists but
 * belongs to someone else, so it is neither ours to clean up nor known to be gone.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
