// Writes a fixture session in a child process, so the process that measures opening it holds
// none of the writing's garbage: node --import tsx bench/session-fixture-cli.ts DIR REQUESTS
import { writeSessionFixture } from './session-fixture';

const [dir, requests] = process.argv.slice(2);
if (!dir || !requests || !Number.isInteger(Number(requests))) {
  console.error('usage: session-fixture-cli.ts DIR REQUESTS');
  process.exit(2);
}
const written = writeSessionFixture(dir, { requests: Number(requests) });
console.log(JSON.stringify({ written }));
