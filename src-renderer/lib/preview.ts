// Builds the srcdoc of the sandboxed preview iframe. The frame has sandbox="" (no scripts, opaque
// origin) and its document starts with a CSP that forbids everything but inline styles and data:
// images, so captured HTML or SVG can neither run code nor fetch anything.
import { bytesToBase64, utf8 } from './bytes';

export const previewCsp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

const head = `<!doctype html><meta http-equiv="Content-Security-Policy" content="${previewCsp}"><meta charset="utf-8">`;

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export type PreviewKind = 'image' | 'html' | 'svg' | null;

export function previewKind(contentType: string | null): PreviewKind {
  const type = (contentType ?? '').toLowerCase().split(';')[0].trim();
  if (type === 'image/svg+xml') return 'svg';
  if (type.startsWith('image/')) return 'image';
  if (type === 'text/html' || type === 'application/xhtml+xml') return 'html';
  return null;
}

export function previewDocument(
  kind: Exclude<PreviewKind, null>,
  body: Uint8Array,
  contentType: string,
): string {
  if (kind === 'html') return head + utf8(body);
  const type = kind === 'svg' ? 'image/svg+xml' : contentType.split(';')[0].trim();
  const src = `data:${escapeAttribute(type)};base64,${bytesToBase64(body)}`;
  return `${head}<style>body{margin:0;display:flex;align-items:center;justify-content:center;min-height:100vh;background:repeating-conic-gradient(#ddd 0 25%,#fff 0 50%) 0 0/16px 16px}img{max-width:100%;max-height:100vh}</style><img alt="" src="${src}">`;
}
