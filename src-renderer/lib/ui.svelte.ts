// View state shared between panels: tabs, the highlighted header and byte, the replay draft.
export type MainTab = 'inspector' | 'rules' | 'replay' | 'sessions' | 'intercept';
export type MessageTab = 'request' | 'response';

export interface ReplayDraft {
  text: string;
  host: string;
  port: number;
  tls: boolean;
  sourceTarget: string | null;
  /** The listed exchange the draft was made from: its replays are kept as its history. */
  sourceExchangeId: string | null;
}

class UiState {
  mainTab = $state<MainTab>('inspector');
  messageTab = $state<MessageTab>('request');
  /** Header row index highlighted in the message view (linked with the byte view). */
  headerIndex = $state<number | null>(null);
  /** Byte offset shown in the explanation panel (hovered or clicked). */
  byteOffset = $state<number | null>(null);
  pinnedOffset = $state<number | null>(null);
  replayDraft = $state.raw<ReplayDraft | null>(null);

  resetSelection(): void {
    this.headerIndex = null;
    this.byteOffset = null;
    this.pinnedOffset = null;
  }
}

export const ui = new UiState();
