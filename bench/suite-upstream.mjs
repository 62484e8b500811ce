// Child process of bench/suite.mjs: the tiny upstream the Portkey row relays to, a node:http
// server answering every request with one OpenAI-shaped chat completion. In its own process,
// so its CPU is not counted as the peer gateway's.
//   → { type: 'ready', pid, url }   ← { type: 'stop' } → exits
import { createServer } from 'node:http';

const completion = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1764547200,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How can I help?' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
});
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(completion) });
    res.end(completion);
  });
});
server.listen(0, '127.0.0.1', () =>
  process.send({ type: 'ready', pid: process.pid, url: `http://127.0.0.1:${server.address().port}` }),
);
process.once('disconnect', () => process.exit(1)); // the parent is gone (killed, or its output pipe closed): no one will send stop
process.on('message', (msg) => msg.type === 'stop' && process.exit(0));
