// What answers a command: one function per command name, as the Core's table of them holds it.
import type { CommandName, CommandParams, CommandResult } from '../protocol/types';

export type CommandHandlers<K extends CommandName = CommandName> = {
  [P in K]: (params: CommandParams<P>) => Promise<CommandResult<P>> | CommandResult<P>;
};

/** A whole number ≥ 0 (an offset, a length, a count). */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
