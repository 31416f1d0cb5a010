// The guided lesson's steps and how each checks itself: facts gathered from the Core's live
// events (and what the learner has opened), reduced without side effects so the logic is
// tested without a page.
import type {
  CoreEvent,
  ExchangeSummary,
  ResponderRule,
  ServerState,
} from '../../src-main/protocol/types';
import { isLabRule } from './breaks';

/** The parts of a message the lesson asks the learner to point at, in the order they come. */
export type MessagePart = 'startLine' | 'header' | 'emptyLine' | 'body';
export const messageParts: readonly MessagePart[] = ['startLine', 'header', 'emptyLine', 'body'];

/** Which part a byte-view span kind belongs to (null: glue such as SP or a line end). */
export function partOfKind(kind: string): MessagePart | null {
  switch (kind) {
    case 'method':
    case 'request-target':
    case 'version':
    case 'status-code':
    case 'reason-phrase':
      return 'startLine';
    case 'field-name':
    case 'field-value':
      return 'header';
    case 'empty-line':
      return 'emptyLine';
    case 'body':
    case 'chunk-data':
      return 'body';
    default:
      return null;
  }
}

export type StepId = 'start' | 'two' | 'read' | 'tutorial' | 'break';
export const stepIds: readonly StepId[] = ['start', 'two', 'read', 'tutorial', 'break'];

/** One self-check of a step; its label keys are `lesson.check.<id>.wait` and `.done`. */
export type CheckId =
  | 'listening'
  | 'page'
  | 'image'
  | 'readPage'
  | 'readResponse'
  | 'readImage'
  | 'readParts'
  | 'tutorialOn'
  | 'tutorialPage'
  | 'tutorialImage'
  | 'tutorialRead'
  | 'breakApplied'
  | 'breakVisited';

export const stepChecks: Record<StepId, readonly CheckId[]> = {
  start: ['listening', 'page'],
  two: ['image'],
  read: ['readPage', 'readResponse', 'readImage', 'readParts'],
  tutorial: ['tutorialOn', 'tutorialPage', 'tutorialImage', 'tutorialRead'],
  break: ['breakApplied', 'breakVisited'],
};

export interface LessonFacts {
  listening: boolean;
  url: string | null;
  /** Listening as a proxy: the lesson's site (/ and /test.jpg) is not what answers. */
  proxy: ServerState['proxy'];
  tutorialExact: boolean;
  /** When tutorial-exact was first seen on (UI clock; the Core runs on the same machine). */
  tutorialSince: number | null;
  /** Tutorial-exact has been on while listening (the step stays done once it is switched off). */
  tutorialWasOn: boolean;
  page: ExchangeSummary | null;
  image: ExchangeSummary | null;
  tutorialPage: ExchangeSummary | null;
  tutorialImage: ExchangeSummary | null;
  readPage: boolean;
  readResponse: boolean;
  readImage: boolean;
  /** The parts of a message pointed at in the byte view. */
  parts: readonly MessagePart[];
  /** A response answered the naive way was opened. */
  tutorialRead: boolean;
  /** Lab rules currently saved (ids). */
  labRules: readonly string[];
  /** The latest request a lab rule answered. */
  brokenVisit: ExchangeSummary | null;
}

export const initialFacts: LessonFacts = {
  listening: false,
  url: null,
  proxy: null,
  tutorialExact: false,
  tutorialSince: null,
  tutorialWasOn: false,
  page: null,
  image: null,
  tutorialPage: null,
  tutorialImage: null,
  readPage: false,
  readResponse: false,
  readImage: false,
  parts: [],
  tutorialRead: false,
  labRules: [],
  brokenVisit: null,
};

/** The path of a request-target (origin-form or absolute-form), without its query. */
export function targetPath(target: string | null): string | null {
  if (target === null) return null;
  let path = target;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(path);
  if (scheme) path = path.slice(scheme[0].length) || '/';
  const query = path.indexOf('?');
  return query >= 0 ? path.slice(0, query) : path;
}

function isBrowserGet(exchange: ExchangeSummary, path: string): boolean {
  return (
    exchange.source === 'capture' &&
    exchange.method === 'GET' &&
    targetPath(exchange.target) === path
  );
}

function answered(exchange: ExchangeSummary): boolean {
  return exchange.status !== null || exchange.responseBytes > 0;
}

/** What a server state or rules list tells the lesson. */
export function withServer(
  facts: LessonFacts,
  state: Pick<ServerState, 'status' | 'url' | 'proxy' | 'tutorialExact'>,
  now: number,
): LessonFacts {
  const listening = state.status === 'listening';
  const tutorialOn = listening && state.tutorialExact;
  return {
    ...facts,
    listening,
    url: state.url,
    proxy: listening ? state.proxy : null,
    tutorialExact: state.tutorialExact,
    tutorialWasOn: facts.tutorialWasOn || tutorialOn,
    tutorialSince: tutorialOn
      ? (facts.tutorialSince ?? now)
      : state.tutorialExact
        ? facts.tutorialSince
        : null,
  };
}

export function withRules(facts: LessonFacts, rules: readonly ResponderRule[]): LessonFacts {
  const labRules = rules.filter((rule) => rule.enabled && isLabRule(rule)).map((rule) => rule.id);
  return { ...facts, labRules };
}

/** What one exchange summary tells the lesson. */
export function withExchange(facts: LessonFacts, exchange: ExchangeSummary): LessonFacts {
  if (!answered(exchange) && exchange.ruleId === null) return facts;
  let next = facts;
  const underTutorial =
    facts.tutorialExact &&
    facts.tutorialSince !== null &&
    exchange.startedAt >= facts.tutorialSince &&
    exchange.ruleId === null;
  if (isBrowserGet(exchange, '/')) {
    if (!next.page || next.page.exchangeId === exchange.exchangeId)
      next = { ...next, page: exchange };
    if (underTutorial) next = { ...next, tutorialPage: exchange };
  } else if (isBrowserGet(exchange, '/test.jpg')) {
    if (!next.image || next.image.exchangeId === exchange.exchangeId)
      next = { ...next, image: exchange };
    if (underTutorial) next = { ...next, tutorialImage: exchange };
  }
  if (exchange.ruleId !== null && next.labRules.includes(exchange.ruleId))
    next = { ...next, brokenVisit: exchange };
  return next;
}

/** What the learner opened in the inspector. */
export function withSelection(
  facts: LessonFacts,
  selected: ExchangeSummary | null,
  tab: 'request' | 'response',
): LessonFacts {
  if (!selected || selected.source !== 'capture') return facts;
  const path = targetPath(selected.target);
  const isPage = path === '/';
  const isImage = path === '/test.jpg';
  if (!isPage && !isImage) return facts;
  const readPage = facts.readPage || isPage;
  const readImage = facts.readImage || isImage;
  const readResponse = facts.readResponse || tab === 'response';
  const tutorialRead =
    facts.tutorialRead ||
    (tab === 'response' &&
      (selected.exchangeId === facts.tutorialPage?.exchangeId ||
        selected.exchangeId === facts.tutorialImage?.exchangeId));
  if (
    readPage === facts.readPage &&
    readImage === facts.readImage &&
    readResponse === facts.readResponse &&
    tutorialRead === facts.tutorialRead
  )
    return facts;
  return { ...facts, readPage, readImage, readResponse, tutorialRead };
}

/** A byte of a message was pointed at in the byte view (its span's kind). */
export function withPart(facts: LessonFacts, kind: string | null): LessonFacts {
  const part = kind === null ? null : partOfKind(kind);
  if (part === null || facts.parts.includes(part)) return facts;
  return { ...facts, parts: messageParts.filter((p) => p === part || facts.parts.includes(p)) };
}

/** The parts not pointed at yet. */
export function partsMissing(facts: LessonFacts): MessagePart[] {
  return messageParts.filter((part) => !facts.parts.includes(part));
}

/** Folds a batch of Core events into the facts. */
export function observe(
  facts: LessonFacts,
  events: readonly CoreEvent[],
  now: number,
): LessonFacts {
  let next = facts;
  for (const event of events) {
    if (event.type === 'server') next = withServer(next, event.state, now);
    else if (event.type === 'rules') next = withRules(next, event.rules);
    else if (event.type === 'exchange') next = withExchange(next, event.exchange);
    else if (event.type === 'cleared')
      next = {
        ...next,
        page: null,
        image: null,
        tutorialPage: null,
        tutorialImage: null,
        brokenVisit: null,
      };
  }
  return next;
}

export function checkDone(facts: LessonFacts, check: CheckId): boolean {
  switch (check) {
    case 'listening':
      return facts.listening && facts.proxy === null;
    case 'page':
      return facts.page !== null;
    case 'image':
      return facts.image !== null;
    case 'readPage':
      return facts.readPage;
    case 'readResponse':
      return facts.readResponse;
    case 'readImage':
      return facts.readImage;
    case 'readParts':
      return partsMissing(facts).length === 0;
    case 'tutorialRead':
      return facts.tutorialRead;
    case 'tutorialOn':
      return facts.tutorialWasOn;
    case 'tutorialPage':
      return facts.tutorialPage !== null;
    case 'tutorialImage':
      return facts.tutorialImage !== null;
    case 'breakApplied':
      return facts.labRules.length > 0;
    case 'breakVisited':
      return facts.brokenVisit !== null;
  }
}

export function stepDone(facts: LessonFacts, step: StepId): boolean {
  return stepChecks[step].every((check) => checkDone(facts, check));
}

/** The first step not yet done (the last one when all are). */
export function currentStep(facts: LessonFacts): StepId {
  return stepIds.find((step) => !stepDone(facts, step)) ?? stepIds[stepIds.length - 1];
}
