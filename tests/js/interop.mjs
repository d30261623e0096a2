// A stock automerge-repo client (nobody here wrote it) against the Samtal server.
// usage: node interop.mjs <ws-url> <document-id> write <text> | read
import { Repo } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import * as A from "@automerge/automerge";

const [, , url, docId, mode, text] = process.argv;
const fail = (msg) => {
  console.error(msg);
  process.exit(1);
};
setTimeout(() => fail("interop script timed out"), 30_000).unref();

const repo = new Repo({ network: [new WebSocketClientAdapter(url)], peerId: "node-interop" });
const handle = await repo.find(`automerge:${docId}`);
const doc = handle.doc();
if (!doc || !doc.answers) fail(`document not loaded: ${JSON.stringify(doc)}`);

if (mode === "write") {
  handle.change((d) => A.splice(d, ["answers", "q1"], 0, 0, text));
  // The Rust side polls for the edit; give the (throttled) sync time to send it.
  await new Promise((r) => setTimeout(r, 1500));
  console.log("WROTE");
} else {
  console.log(JSON.stringify(handle.doc().answers));
}
process.exit(0);
