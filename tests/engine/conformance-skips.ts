// The llhttp corpus cases this engine does not run, each with its reason. Only two kinds:
// llhttp's pause API, and behaviours where llhttp follows its own choice rather than RFC 9112/9110.
import type { DataCase } from './conformance-data';

const PAUSE_API =
  "tests llhttp's pause API (llhttp_pause/resume), which this push-based engine has no equivalent of";

const OTHER_PROTOCOLS =
  'llhttp also parses RTSP/1.0 and ICE/1.0 start lines; RFC 9112 §2.3 allows only HTTP-version ("HTTP/" DIGIT "." DIGIT)';

const METHOD_LIST =
  "llhttp accepts only the methods of its fixed list; RFC 9110 §9.1 makes any token a method (the server answers 501 for one it doesn't implement)";

/** `file > heading` → why the case is not run. */
export const SKIPS: Record<string, string> = {
  'request/invalid.md > ICE protocol and GET method': OTHER_PROTOCOLS,
  'request/invalid.md > ICE protocol, but not really': OTHER_PROTOCOLS,
  'request/invalid.md > RTSP protocol and PUT method': OTHER_PROTOCOLS,
  'request/method.md > SOURCE request with ICE': OTHER_PROTOCOLS,
  'request/method.md > OPTIONS request with RTSP': OTHER_PROTOCOLS,
  'request/method.md > ANNOUNCE request with RTSP': OTHER_PROTOCOLS,
  'response/sample.md > RTSP response': OTHER_PROTOCOLS,
  'response/sample.md > ICE response': OTHER_PROTOCOLS,
  'request/invalid.md > HTTP protocol and ANNOUNCE method': METHOD_LIST,
  'request/invalid.md > Invalid method': METHOD_LIST,
  'request/method.md > PRI request HTTP2':
    'llhttp pauses on the HTTP/2 connection preface (PRI * HTTP/2.0); to an HTTP/1.1 parser PRI is an ordinary token method (RFC 9110 §9.1), and prior-knowledge HTTP/2 (RFC 9113 §3.3) is not HTTP/1.x',
  'request/method.md > M-SEARCH request':
    'M-SEARCH * is SSDP (UPnP over UDP), which borrows HTTP syntax; in HTTP/1.1 the asterisk-form is only for a server-wide OPTIONS request (RFC 9112 §3.2.4), so the engine answers 400 (INVALID_TARGET)',
  'request/sample.md > No HTTP version':
    'llhttp accepts an HTTP/0.9 request line without a version; RFC 9112 §3 requires request-line = method SP request-target SP HTTP-version',
  'request/content-length.md > Content-Length reset when no body is received':
    "uses llhttp's on_headers_complete return value to skip a request's body; RFC 9112 §6.3 frames a request body by its own Content-Length, nothing else can skip it",
  'request/invalid.md > Only LFs present (lenient)':
    'llhttp\'s lenient mode reads "0\\n\\n" as one last-chunk line and the next line as a trailer; by RFC 9112 §7.1 the second LF ends the trailer section',
};

/** The reason a case is skipped, or null when it runs. */
export function skipReason(c: DataCase): string | null {
  if (c.pause) return PAUSE_API;
  return SKIPS[c.name] ?? null;
}
