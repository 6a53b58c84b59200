// app.js: the placeholder page's script (no inline script: the CSP forbids
// it). Connects to this server's /ws with the heapd.v1 subprotocol, asks
// server.info and shows the answer.
const state = document.getElementById("state");
const info = document.getElementById("info");
const scheme = location.protocol === "https:" ? "wss:" : "ws:";
const ws = new WebSocket(`${scheme}//${location.host}/ws`, "heapd.v1");

ws.addEventListener("open", () => {
  state.textContent = "connected";
  ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "server.info" }));
});
ws.addEventListener("message", (ev) => {
  const msg = JSON.parse(ev.data);
  if (msg.id !== 1) return;
  if (msg.error) {
    state.textContent = `server.info failed: ${msg.error.message}`;
  } else {
    state.textContent = `heapd ${msg.result.version}, protocol ${msg.result.protocol}`;
    info.textContent = JSON.stringify(msg.result, null, 2);
  }
});
ws.addEventListener("close", (ev) => {
  state.textContent = `disconnected (${ev.code})`;
});
