// Line ends and what is left of a stream that has not finished arriving.
import { entry, type Explanation } from './catalogue';

export const lines: Record<string, Explanation> = {
  crlf: entry(
    'RFC 9112 §2.1',
    [
      'CRLF',
      'Carriage return and line feed, the line terminator of HTTP/1.1. Empty lines before a request line are ignored for robustness.',
    ],
    ['CRLF', '回车加换行，HTTP/1.1 的行结束符。请求行之前的空行出于健壮性会被忽略。'],
  ),
  lf: entry(
    'RFC 9112 §2.2',
    [
      'Bare LF',
      'A line feed without the carriage return before it. HTTP requires CRLF; a recipient MAY accept a bare LF, but parsers that disagree about it can be tricked into reading different messages from the same bytes (request smuggling). A naive server that writes "\\n" instead of "\\r\\n" produces exactly this.',
    ],
    [
      '单独的 LF',
      '没有回车在前的换行符。HTTP 要求使用 CRLF；接收方可以（MAY）接受单独的 LF，但若各个解析器对此处理不一致，同样的字节就可能被解读成不同的报文（请求走私）。用 "\\n" 代替 "\\r\\n" 的简易服务器产生的正是这种情况。',
    ],
  ),
  'empty-line': entry(
    'RFC 9112 §2.1',
    [
      'Empty line (end of head)',
      'A CRLF on its own line: the head is over. Everything after it is the body, framed by Content-Length or Transfer-Encoding, or the next message if there is no body. Forgetting this line leaves the other side waiting forever.',
    ],
    [
      '空行（报文头结束）',
      '单独一行的 CRLF：报文头到此结束。之后的内容是消息体（由 Content-Length 或 Transfer-Encoding 界定），没有消息体时则是下一条报文。漏掉这一行，对方就会一直等待。',
    ],
  ),
  'empty-line.lf': entry(
    'RFC 9112 §2.2',
    [
      'Empty line written as a bare LF',
      'The head ends here, but with "\\n" instead of "\\r\\n". Many parsers accept it, strict ones do not: the message is only understood by lenient recipients.',
    ],
    [
      '以单独 LF 书写的空行',
      '报文头在这里结束，但用的是 "\\n" 而不是 "\\r\\n"。许多解析器接受它，严格的解析器则不接受：只有宽松的接收方才能理解这条报文。',
    ],
  ),
  unparsed: entry(
    'RFC 9112 §8',
    [
      'Unparsed (incomplete)',
      'Bytes of a message that has not finished arriving. If the connection closes now, the message is incomplete and must not be treated as a whole one.',
    ],
    [
      '未解析（不完整）',
      '尚未完整到达的报文字节。如果连接此时关闭，这条报文就是不完整的，不能当作完整报文处理。',
    ],
  ),
};
