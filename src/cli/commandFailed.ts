// A command that did its work but must end with a non-zero status (e.g. a
// sweep whose failed points are recorded in its results).

/** Ends the command with `status` after printing `message` as one paragraph. */
export class CommandFailed extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'CommandFailed';
  }
}
