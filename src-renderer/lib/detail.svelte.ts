// The raw bytes of the selected exchange, fetched on demand and refetched when it changes.
import type { ExchangeSummary } from '../../src-main/protocol/types';
import { base64ToBytes } from './bytes';
import { core, errorText } from './core';

function versionOf(e: ExchangeSummary): string {
  return `${e.exchangeId}|${e.requestBytes}|${e.responseBytes}|${e.completedAt ?? ''}|${e.status ?? ''}`;
}

class Detail {
  exchangeId = $state<string | null>(null);
  request = $state.raw<Uint8Array | null>(null);
  response = $state.raw<Uint8Array | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  private loadedVersion = '';

  async load(exchange: ExchangeSummary | null): Promise<void> {
    if (!exchange) {
      this.exchangeId = null;
      this.request = null;
      this.response = null;
      this.loadedVersion = '';
      return;
    }
    const version = versionOf(exchange);
    if (version === this.loadedVersion) return;
    const changedExchange = this.exchangeId !== exchange.exchangeId;
    this.loadedVersion = version;
    this.exchangeId = exchange.exchangeId;
    if (changedExchange) {
      this.request = null;
      this.response = null;
    }
    this.loading = true;
    this.error = null;
    try {
      const bytes = await core().call('exchange.bytes', { exchangeId: exchange.exchangeId });
      if (this.loadedVersion !== version) return;
      this.request = base64ToBytes(bytes.requestBase64);
      this.response = base64ToBytes(bytes.responseBase64);
    } catch (error) {
      if (this.loadedVersion === version) {
        this.error = errorText(error);
        this.loadedVersion = '';
      }
    } finally {
      if (this.loadedVersion === version || this.loadedVersion === '') this.loading = false;
    }
  }
}

export const detail = new Detail();
