// Drives a gateway with the official OpenAI JS SDK; exits non-zero on the first mismatch.
// Usage: NODE_PATH=<dir>/node_modules node openai-js-check.cjs http://127.0.0.1:PORT/v1
const OpenAI = require('openai');
const assert = require('node:assert/strict');

const client = new OpenAI({ baseURL: process.argv[2], apiKey: 'none', maxRetries: 0 });
const messages = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }];

async function main() {
  const chat = await client.chat.completions.create({ model: 'test-model', messages, n: 1, user: 'u1', logprobs: false });
  assert.equal(chat.object, 'chat.completion');
  assert.equal(chat.choices[0].message.content, 'Hello, SDK');
  assert.equal(chat.choices[0].finish_reason, 'stop');
  assert.equal(chat.usage.total_tokens, 12);
  assert.equal(chat.usage.prompt_tokens_details.cached_tokens, 4);

  const stream = await client.chat.completions.create({
    model: 'test-model', messages, stream: true, stream_options: { include_usage: true } });
  let text = '';
  let usage = null;
  let finish = null;
  for await (const chunk of stream) {
    if (chunk.choices.length > 0) {
      text += chunk.choices[0].delta.content ?? '';
      finish = chunk.choices[0].finish_reason ?? finish;
    }
    if (chunk.usage) usage = chunk.usage;
  }
  assert.equal(text, 'Hello, SDK');
  assert.equal(finish, 'stop');
  assert.equal(usage.completion_tokens, 3);

  const completion = await client.completions.create({ model: 'test-model', prompt: 'Say hi', max_tokens: 8 });
  assert.equal(completion.choices[0].text, 'Hello, SDK');
  let streamed = '';
  for await (const chunk of await client.completions.create({ model: 'test-model', prompt: 'x', stream: true })) {
    streamed += chunk.choices[0]?.text ?? '';
  }
  assert.equal(streamed, 'Hello, SDK');

  const models = await client.models.list();
  assert.deepEqual(models.data.map((m) => m.id), ['test-model']);

  await assert.rejects(client.chat.completions.create({ model: 'nope', messages }), (e) => {
    assert.equal(e.status, 404);
    assert.equal(e.code, 'model_not_found');
    return true;
  });
  await assert.rejects(client.chat.completions.create({ model: 'test-model', messages, n: 2 }), (e) => {
    assert.equal(e.status, 400);
    assert.equal(e.param, 'n');
    return true;
  });
  // a stream that fails after its first token: the SDK raises the error event
  const failing = await client.chat.completions.create({
    model: 'test-model', messages: [{ role: 'user', content: 'fail' }], stream: true });
  await assert.rejects((async () => { for await (const _ of failing) { /* drain */ } })(), /NPU fault/);
  // a batch, the way the SDK's users run one: upload the JSONL, create, poll, download the output
  const lines = ['q-1', 'q-2'].map((id) => JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/chat/completions',
    body: { model: 'test-model', messages: [{ role: 'user', content: 'Hi ' + id }] } })).join('\n') + '\n';
  const file = await client.files.create({ file: await OpenAI.toFile(Buffer.from(lines), 'requests.jsonl'),
    purpose: 'batch' });
  assert.equal(file.object, 'file');
  const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions',
    completion_window: '24h' });
  let done = batch;
  for (let i = 0; i < 200 && done.status !== 'completed'; i++) {
    await new Promise((r) => setTimeout(r, 50)); // a client's poll interval
    done = await client.batches.retrieve(batch.id);
  }
  assert.equal(done.status, 'completed');
  assert.equal(done.request_counts.completed, 2);
  const output = await (await client.files.content(done.output_file_id)).text();
  const answers = output.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(answers.map((a) => a.custom_id).sort(), ['q-1', 'q-2']);
  for (const a of answers) {
    assert.equal(a.response.status_code, 200);
    assert.equal(a.response.body.choices[0].message.content, 'Hello, SDK');
  }
  console.log('OPENAI-JS-SDK-OK');
}

main().catch((e) => { console.error(e); process.exit(1); });
