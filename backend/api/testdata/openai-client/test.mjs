// The official OpenAI client against a running aria node: node test.mjs BASE_URL
// Exits non-zero with a message on the first failed check.
import OpenAI from 'openai';
import assert from 'node:assert/strict';

const base = process.argv[2];
const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: process.env.ARIA_API_KEY || 'unused-on-loopback', maxRetries: 0 });

const models = await client.models.list();
const ids = models.data.map((m) => m.id);
assert.ok(ids.length >= 1, 'models.list returns the loaded model');
const model = ids[0];

const messages = [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Say something.' }];
const full = await client.chat.completions.create({ model, messages, max_tokens: 8, temperature: 0 });
assert.equal(full.object, 'chat.completion');
assert.equal(full.choices[0].message.role, 'assistant');
assert.equal(full.choices[0].finish_reason, 'length');
assert.equal(full.usage.completion_tokens, 8);
assert.ok(full.usage.prompt_tokens > 0);
assert.equal(full.usage.total_tokens, full.usage.prompt_tokens + 8);

const stream = await client.chat.completions.create({ model, messages, max_tokens: 8, temperature: 0, stream: true, stream_options: { include_usage: true } });
let text = '';
let pieces = 0;
let usage = null;
let finish = null;
for await (const chunk of stream) {
  const c = chunk.choices[0];
  if (c?.delta?.content) { text += c.delta.content; pieces++; }
  if (c?.finish_reason) finish = c.finish_reason;
  if (chunk.usage) usage = chunk.usage;
}
assert.equal(text, full.choices[0].message.content, 'streamed text equals the non-streamed text');
assert.ok(pieces >= 2, 'the answer arrives in several chunks');
assert.equal(finish, 'length');
assert.deepEqual({ p: usage.prompt_tokens, c: usage.completion_tokens }, { p: full.usage.prompt_tokens, c: 8 });

const comp = await client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 4, temperature: 0 });
assert.equal(comp.usage.completion_tokens, 4);
assert.ok(typeof comp.choices[0].text === 'string');

try {
  await client.chat.completions.create({ model: 'no-such-model', messages });
  assert.fail('an unknown model must fail');
} catch (e) {
  assert.ok(e instanceof OpenAI.NotFoundError, `unknown model gives NotFoundError, got ${e}`);
  assert.equal(e.status, 404);
  assert.equal(e.code, 'model_not_found');
}
try {
  await client.chat.completions.create({ model, messages, temperature: 5 });
  assert.fail('a bad temperature must fail');
} catch (e) {
  assert.ok(e instanceof OpenAI.BadRequestError, `bad temperature gives BadRequestError, got ${e}`);
  assert.equal(e.error?.param, 'temperature');
}
console.log(`openai client ok: ${ids.length} model(s), ${pieces} streamed chunks, usage ${JSON.stringify(usage)}`);
