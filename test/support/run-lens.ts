import { main } from '../../src/cli/main.js';

/** Runs `lens` in-process with `args`; returns the exit code and what it printed. */
export async function runLens(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    out: (text) => (stdout += text),
    err: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}
