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
  const model = await client.models.retrieve('test-model');
  assert.equal(model.id, 'test-model');
  assert.equal(model.object, 'model');
  await assert.rejects(client.models.retrieve('nope'), (e) => {
    assert.equal(e.status, 404);
    assert.equal(e.code, 'model_not_found');
    return true;
  });

  // embeddings.create asks for base64 by default and decodes it to floats
  const embedded = await client.embeddings.create({ model: 'test-model', input: ['first', 'second'] });
  assert.equal(embedded.object, 'list');
  assert.equal(embedded.data.length, 2);
  assert.deepEqual(Array.from(embedded.data[0].embedding).map((v) => Math.round(v * 1e6) / 1e6), [0.6, 0.8]);
  assert.deepEqual(Array.from(embedded.data[1].embedding), [1, 0]);
  assert.equal(embedded.usage.prompt_tokens, 7);
  const floats = await client.embeddings.create({ model: 'test-model', input: 'one', encoding_format: 'float' });
  assert.deepEqual(floats.data[0].embedding.map((v) => Math.round(v * 1e6) / 1e6), [0.6, 0.8]);

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
  const listed = [];
  for await (const f of client.files.list({ purpose: 'batch' })) listed.push(f.id);
  assert.ok(listed.includes(file.id), 'files.list names the upload');
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
  await toolRoundTrip();
  await thinking();
  console.log('OPENAI-JS-SDK-OK');
}


const tools = [{ type: 'function', function: { name: 'get_weather', description: 'Weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
const ask = [{ role: 'user', content: 'What is the weather in Oslo?' }];

// The tool-calling flow the SDK documents: call, run the tool, send its result, get the answer; then streamed.
async function toolRoundTrip() {
  const first = await client.chat.completions.create({ model: 'test-model', messages: ask, tools, tool_choice: 'auto' });
  const choice = first.choices[0];
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.equal(choice.message.content, null);
  const call = choice.message.tool_calls[0];
  assert.equal(call.type, 'function');
  assert.equal(call.function.name, 'get_weather');
  assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Oslo' });
  assert.match(call.id, /^call_/);
  const result = { role: 'tool', tool_call_id: call.id, content: JSON.stringify({ temp: 3 }) };
  const final = await client.chat.completions.create({ model: 'test-model', tools,
    messages: [...ask, choice.message, result] });
  assert.equal(final.choices[0].message.content, 'It is 3 degrees in Oslo.');
  assert.equal(final.choices[0].finish_reason, 'stop');

  // streamed: the SDK's helper accumulates the call from its deltas
  const runner = client.beta.chat.completions.stream({ model: 'test-model', messages: ask, tools });
  const streamed = await runner.finalChatCompletion();
  assert.equal(streamed.choices[0].finish_reason, 'tool_calls');
  const sCall = streamed.choices[0].message.tool_calls[0];
  assert.equal(sCall.function.name, 'get_weather');
  assert.deepEqual(JSON.parse(sCall.function.arguments), { city: 'Oslo' });
  let answer = '';
  const second = await client.chat.completions.create({ model: 'test-model', tools, stream: true,
    messages: [...ask, streamed.choices[0].message, { role: 'tool', tool_call_id: sCall.id, content: '{"temp":3}' }] });
  for await (const chunk of second) {
    answer += chunk.choices[0]?.delta?.content ?? '';
  }
  assert.equal(answer, 'It is 3 degrees in Oslo.');

  // a tool_choice the model did not follow is an error, not a silent text answer
  await assert.rejects(client.chat.completions.create({ model: 'test-model', tools, tool_choice: 'required',
    messages: [{ role: 'user', content: 'Hi' }] }).then(() => assert.fail('no error')), () => true);
}

// Thinking switched on: the thinking comes apart as reasoning_content, never as the answer.
async function thinking() {
  const chat = await client.chat.completions.create({ model: 'test-model', messages, reasoning_effort: 'high' });
  assert.equal(chat.choices[0].message.content, 'Hello, SDK');
  assert.equal(chat.choices[0].message.reasoning_content, 'The user greets me.\n');
  let reasoning = '';
  let text = '';
  const stream = await client.chat.completions.create({ model: 'test-model', messages, stream: true,
    chat_template_kwargs: { enable_thinking: true } });
  for await (const chunk of stream) {
    reasoning += chunk.choices[0]?.delta?.reasoning_content ?? '';
    text += chunk.choices[0]?.delta?.content ?? '';
  }
  assert.equal(reasoning, 'The user greets me.\n');
  assert.equal(text, 'Hello, SDK');
}

main().catch((e) => { console.error(e); process.exit(1); });
