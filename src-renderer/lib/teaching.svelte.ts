// The state the guided lesson and the broken-response lab share: the lesson's facts, the
// captured exchanges and connection closes seen live (what a break's outcome is read from), and
// the predictions of the breaks applied from the lab. One subscription feeds it all, so nothing
// is missed while the Responses tab or the lesson is closed.
import type {
  ConnectionSummary,
  CoreEvent,
  ExchangeSummary,
  ResponderRule,
  ServerState,
} from '../../src-main/protocol/types';
import type { CoreClient } from './transport';
import type { BreakId, Prediction } from './breaks';
import {
  initialFacts,
  observe,
  stepIds,
  withRules,
  withPart,
  withSelection,
  withServer,
  type LessonFacts,
} from './lesson';

/** Live exchanges and closes kept for the lab (the newest ones). */
const keep = 400;
const seenKey = 'socketscope.lessonSeen';

export interface AppliedBreak {
  breakId: BreakId;
  path: string;
  prediction: Prediction;
  appliedAt: number;
}

class Teaching {
  open = $state(false);
  step = $state(0);
  /** The Responses tab shows the lab rather than the rule form. */
  labOpen = $state(false);
  facts = $state.raw<LessonFacts>(initialFacts);
  recent = $state.raw<ExchangeSummary[]>([]);
  closes = $state.raw<Record<string, ConnectionSummary>>({});
  applied = $state.raw<Record<string, AppliedBreak>>({});
  /** One clock for every outcome shown, so two views of one visit never disagree. */
  now = $state(Date.now());
  /** Plain on purpose: `recent` is republished from it. */
  private readonly byId = new Map<string, ExchangeSummary>();

  /** Subscribes to the Core's events and opens the lesson if it was never seen. */
  watch(
    client: CoreClient,
    state: { server: ServerState | null; rules: ResponderRule[] },
  ): () => void {
    if (state.server) this.facts = withServer(this.facts, state.server, Date.now());
    this.facts = withRules(this.facts, state.rules);
    const off = client.subscribe((events) => this.apply(events));
    const clock = setInterval(() => (this.now = Date.now()), 500);
    void this.openOnFirstStart(client);
    return () => {
      off();
      clearInterval(clock);
    };
  }

  apply(events: readonly CoreEvent[]): void {
    this.facts = observe(this.facts, events, Date.now());
    let exchanges = false;
    let closes: Record<string, ConnectionSummary> | null = null;
    for (const event of events) {
      if (event.type === 'exchange' && event.exchange.source === 'capture') {
        this.byId.delete(event.exchange.exchangeId);
        this.byId.set(event.exchange.exchangeId, event.exchange);
        if (this.byId.size > keep) {
          const oldest = this.byId.keys().next().value;
          if (oldest !== undefined) this.byId.delete(oldest);
        }
        exchanges = true;
      } else if (event.type === 'connectionClose') {
        closes ??= { ...this.closes };
        closes[event.connection.connectionId] = event.connection;
      } else if (event.type === 'cleared') {
        this.byId.clear();
        exchanges = true;
        closes = {};
      }
    }
    if (exchanges) this.recent = [...this.byId.values()];
    if (closes) {
      const ids = Object.keys(closes);
      if (ids.length > keep) for (const id of ids.slice(0, ids.length - keep)) delete closes[id];
      this.closes = closes;
    }
  }

  select(selected: ExchangeSummary | null, tab: 'request' | 'response'): void {
    const next = withSelection(this.facts, selected, tab);
    if (next !== this.facts) this.facts = next;
  }

  /** The byte view shows a span of this kind (hovered or pinned). */
  pointAt(kind: string | null): void {
    const next = withPart(this.facts, kind);
    if (next !== this.facts) this.facts = next;
  }

  rules(rules: readonly ResponderRule[]): void {
    this.facts = withRules(this.facts, rules);
  }

  remember(ruleId: string, applied: AppliedBreak): void {
    this.applied = { ...this.applied, [ruleId]: applied };
  }

  show(step?: number): void {
    this.open = true;
    if (step !== undefined) this.step = Math.max(0, Math.min(stepIds.length - 1, step));
  }

  private async openOnFirstStart(client: CoreClient): Promise<void> {
    let seen: boolean;
    try {
      seen = (await client.call('settings.lessonSeen', {})).seen;
    } catch {
      seen = readLocal();
    }
    if (seen) return;
    this.open = true;
    try {
      await client.call('settings.lessonSeen', { seen: true });
    } catch {
      // The settings file cannot be written: remember it in this page's storage instead.
      writeLocal();
    }
  }
}

function readLocal(): boolean {
  try {
    return globalThis.localStorage?.getItem(seenKey) === '1';
  } catch {
    return false;
  }
}

function writeLocal(): void {
  try {
    globalThis.localStorage?.setItem(seenKey, '1');
  } catch {
    // Not remembered: the lesson opens again next time.
  }
}

export const teaching = new Teaching();
