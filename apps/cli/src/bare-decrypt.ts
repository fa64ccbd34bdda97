/**
 * `kms-demo decrypt <id>` and nothing more, the way scripts call it
 * (`PW=$(kms-demo decrypt "$ID")`): with no option to parse or check, the command runs
 * without yargs, which would load and build the whole program first (7–10 ms of the
 * command on Node 22–26). `args` are protectOperands' (a lone `-` and the words after `--`
 * are stand-ins, given back by `restore`). The user id if `args` are exactly that, else
 * undefined and yargs parses them: an option, another command, or `help`, which yargs
 * reads as `--help` wherever it is the last word.
 */
export function bareDecryptUser(
  args: readonly string[],
  restore: (value: string) => string,
): string | undefined {
  if (args.length !== 2 || args[0] !== 'decrypt') return undefined;
  const operand = args[1];
  if (operand === undefined || operand.startsWith('-') || operand === 'help') return undefined;
  return restore(operand);
}
