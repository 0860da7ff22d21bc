// The official MCP TypeScript SDK as an assistant would use tgmux (run by
// tests/mcp_sdk_test.cpp against tgmux on tgsim; Node 18 or newer):
// connect over Streamable HTTP, list the tools, read a message Bob sends
// (injected through tgsim's control API), search for it, reply as Ann and see
// the reply arrive at Bob's in tgsim; a retried send_message sends once.
// Exits 0 when everything held, 1 with the reason otherwise.
//
// Environment: TGMUX_URL, TGMUX_TOKEN (an API key), TGSIM_URL (…/control),
// ACCOUNT (Ann's account id), ANN and BOB (phone numbers), DEADLINE_MS.
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const env = process.env;
const deadline = Date.now() + Number(env.DEADLINE_MS || 60000);

async function control(method, path, body) {
  const answer = await fetch(env.TGSIM_URL + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await answer.text();
  assert.ok(answer.ok, `tgsim ${method} ${path}: ${answer.status} ${text}`);
  return JSON.parse(text);
}

// Calls a tool and returns its structuredContent (the SDK has checked it against the outputSchema).
async function call(client, name, args) {
  const result = await client.callTool({ name, arguments: args });
  assert.equal(result.isError, false, `${name}: ${JSON.stringify(result.content)}`);
  assert.deepEqual(JSON.parse(result.content[0].text), result.structuredContent, `${name}: text and structure differ`);
  return result.structuredContent;
}

// Polls `probe` until it gives something, within the test's deadline.
async function eventually(what, probe) {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main() {
  const transport = new StreamableHTTPClientTransport(new URL(env.TGMUX_URL + "/mcp"), {
    requestInit: { headers: { Authorization: `Bearer ${env.TGMUX_TOKEN}` } },
  });
  const client = new Client({ name: "tgmux-sdk-test", version: "1.0.0" });
  await client.connect(transport);
  assert.ok(transport.sessionId, "the negotiated revision has sessions: tgmux handed one out");
  assert.equal(client.getServerVersion().name, "tgmux");
  console.log(`connected: protocol ${transport.protocolVersion}, session ${transport.sessionId ? "yes" : "no"}`);

  const { tools } = await client.listTools();
  const names = tools.map((tool) => tool.name);
  for (const name of ["list_accounts", "list_chats", "read_messages", "get_unread", "search_messages", "mark_read", "send_message"]) {
    assert.ok(names.includes(name), `tools/list lacks ${name}: ${names}`);
  }
  const accounts = (await call(client, "list_accounts", {})).accounts;
  assert.deepEqual(accounts.map((a) => a.id), [env.ACCOUNT]);

  const question = "Are we still on for the quarterly demo at 3pm?";
  await control("POST", "/messages", { from: env.BOB, to: env.ANN, text: question });
  const incoming = await eventually("Bob's message among the unread", async () => {
    const unread = await call(client, "get_unread", { account: env.ACCOUNT });
    for (const chat of unread.chats) {
      const found = chat.messages.find((m) => m.untrusted_content.text === question);
      if (found) return found;
    }
    return undefined;
  });
  assert.equal(incoming.is_outgoing, false);

  const found = await call(client, "search_messages", { account: env.ACCOUNT, query: "quarterly demo" });
  assert.equal(found.messages.length, 1, JSON.stringify(found));
  assert.equal(found.messages[0].message_id, incoming.message_id);

  const reply = await call(client, "send_message", {
    account: env.ACCOUNT, to: incoming.chat_id, text: "Yes, see you at 3", reply_to: incoming.message_id,
  });
  assert.equal(reply.state, "sent", JSON.stringify(reply));
  await call(client, "mark_read", { account: env.ACCOUNT, chat: incoming.chat_id });

  // A retry of the same call (same idempotency_key) sends once.
  const retried = { account: env.ACCOUNT, to: env.BOB, text: "Bringing the slides", idempotency_key: "sdk-retry-1" };
  const first = await call(client, "send_message", retried);
  const second = await call(client, "send_message", retried);
  assert.equal(second.outbox_id, first.outbox_id);
  assert.equal(second.message_id, first.message_id);

  const seen = (await control("GET", `/users/${encodeURIComponent(env.BOB)}/messages?with=${encodeURIComponent(env.ANN)}`)).messages;
  const replies = seen.filter((m) => m.text === "Yes, see you at 3");
  assert.equal(replies.length, 1, JSON.stringify(seen));
  const asked = seen.find((m) => m.text === question);  // ids as Bob sees them
  assert.equal(replies[0].reply_to_message_id, asked.message_id);
  assert.equal(seen.filter((m) => m.text === "Bringing the slides").length, 1, JSON.stringify(seen));
  assert.ok(asked.is_read, "Bob sees his question read");

  await transport.terminateSession();
  await client.close();
  console.log("ok");
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
