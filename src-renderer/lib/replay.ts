// What the repeater says of a replay: its destination, its outcome in words and colour, and its
// timings with units. Pure (keys and params); the components translate them.

import type {
  ExchangeSummary,
  ReplayOutcome,
  ReplayTarget,
  ReplayTimings,
} from '../../src-main/protocol/types';
import type { CatalogueKey } from './locales/en';

export type Tone = 'ok' | 'warn' | 'err';

export interface Words {
  key: CatalogueKey;
  params: Record<string, string | number>;
}

/** `http://host:port`, the host in brackets when it is an IPv6 address. */
export function destinationUrl(target: ReplayTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${target.tls ? 'https' : 'http'}://${host}:${target.port}`;
}

/** The outcome the Core recorded; for replays stored before it did, read from the summary. */
export function outcomeOf(summary: ExchangeSummary): ReplayOutcome {
  if (summary.replayOutcome) return summary.replayOutcome;
  if (summary.status !== null && summary.status > 0) return 'answered';
  if (summary.error?.code === 'TIMEOUT') return 'timedOut';
  const reason = summary.error?.reason ?? '';
  if (/refused/i.test(reason)) return 'refused';
  if (/reset/i.test(reason)) return 'reset';
  return summary.error ? 'networkError' : 'closedEarly';
}

export function outcomeTone(summary: ExchangeSummary): Tone {
  const outcome = outcomeOf(summary);
  if (outcome === 'answered') return (summary.status ?? 0) >= 400 ? 'warn' : 'ok';
  return outcome === 'notHttp' ? 'warn' : 'err';
}

const SENTENCES: Record<ReplayOutcome, CatalogueKey> = {
  answered: 'replay.outcome.answered',
  refused: 'replay.outcome.refused',
  timedOut: 'replay.outcome.timedOut',
  reset: 'replay.outcome.reset',
  closedEarly: 'replay.outcome.closedEarly',
  dnsFailed: 'replay.outcome.dnsFailed',
  tlsFailed: 'replay.outcome.tlsFailed',
  networkError: 'replay.outcome.networkError',
  notHttp: 'replay.outcome.notHttp',
};

const SHORT: Record<ReplayOutcome, CatalogueKey> = {
  answered: 'replay.short.answered',
  refused: 'replay.short.refused',
  timedOut: 'replay.short.timedOut',
  reset: 'replay.short.reset',
  closedEarly: 'replay.short.closedEarly',
  dnsFailed: 'replay.short.dnsFailed',
  tlsFailed: 'replay.short.tlsFailed',
  networkError: 'replay.short.networkError',
  notHttp: 'replay.short.notHttp',
};

function params(summary: ExchangeSummary): Record<string, string | number> {
  const target = summary.replayTarget;
  return {
    status: summary.status ?? 0,
    reason: summary.reason ?? '',
    destination: target ? `${target.host}:${target.port}` : (summary.host ?? ''),
    host: target?.host ?? summary.host ?? '',
    detail: summary.error?.reason ?? '',
  };
}

/** One sentence saying what happened. */
export function outcomeSentence(summary: ExchangeSummary): Words {
  return { key: SENTENCES[outcomeOf(summary)], params: params(summary) };
}

/** A word or two for a history row. */
export function outcomeShort(summary: ExchangeSummary): Words {
  return { key: SHORT[outcomeOf(summary)], params: params(summary) };
}

export const TIMING_PHASES = ['dns', 'connect', 'tls', 'firstByte', 'complete'] as const;

/** Milliseconds with one decimal. */
export function formatMs(ms: number): string {
  return (Math.round(ms * 10) / 10).toFixed(1);
}

/** The phases that happened, in order, with their milliseconds from the start. */
export function timingList(
  timings: ReplayTimings | null,
): { phase: (typeof TIMING_PHASES)[number]; ms: string }[] {
  if (!timings) return [];
  const out: { phase: (typeof TIMING_PHASES)[number]; ms: string }[] = [];
  for (const phase of TIMING_PHASES) {
    const ms = timings[phase];
    if (ms !== null) out.push({ phase, ms: formatMs(ms) });
  }
  return out;
}

/** The total time of a replay in milliseconds, or null when unknown. */
export function totalMs(summary: ExchangeSummary): number | null {
  if (summary.timings?.complete != null) return summary.timings.complete;
  return summary.completedAt === null ? null : summary.completedAt - summary.startedAt;
}
