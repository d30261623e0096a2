// The automerge-repo reference sync server (as the automerge-repo-sync-server project runs
// it), for side-by-side benchmarks: `cargo xtask load` drives it with the same Rust clients.
// usage: node sync-server.mjs <port> <data-dir>
import { Repo } from "@automerge/automerge-repo";
import { WebSocketServerAdapter } from "@automerge/automerge-repo-network-websocket";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { WebSocketServer } from "ws";

const [, , port, dir] = process.argv;
const wss = new WebSocketServer({ port: Number(port), host: "127.0.0.1" });
new Repo({
  network: [new WebSocketServerAdapter(wss)],
  storage: new NodeFSStorageAdapter(dir),
  peerId: `sync-server-${process.pid}`,
  // Answer requests, never announce documents (the reference server's policy).
  sharePolicy: async () => false,
});
wss.on("listening", () => console.log("LISTENING"));
