// The dashboard's live event stream (/api/events, docs/dashboard.md), opened as soon as the page
// loads: this module imports nothing and the page loads it first, so the snapshot (megabytes with
// a large fleet) travels while the views' modules load. Events that arrive before app.js listens
// are kept and handed over in the order they came.
//
// The stream is read with fetch and parsed here rather than by EventSource: Chromium's
// EventSource spends some 150 ms after handing over a 5 MB event (the snapshot of 10,000 servers)
// before the page can draw, on top of its own slower parsing; fetch does not. The wire format is
// the same Server-Sent Events (`event:`, `data:`, `id:`, `retry:`, comments, lines ended by LF
// or CRLF); like EventSource, a lost stream is reported (`error`) and opened again after the
// server's `retry` delay, and a refused one (503 at the cap) after its Retry-After.

let early = [];
let listener = null;
let retryMs = 3000;

function emit(type, data) {
  const e = { type, data };
  if (listener) listener(e);
  else early.push(e);
}

/** Hands every event of the stream to `onEvent` (`{type, data}`), those already received first. */
export function listen(onEvent) {
  listener = onEvent;
  const kept = early;
  early = [];
  for (const e of kept) onEvent(e);
}

async function connect() {
  let wait = retryMs;
  try {
    const res = await fetch('/api/events', { headers: { accept: 'text/event-stream' }, cache: 'no-store' });
    if (!res.ok || !res.body) {
      wait = Math.max(retryMs, Number(res.headers.get('retry-after') ?? 0) * 1000 || 0);
      throw new Error(`HTTP ${res.status}`);
    }
    emit('open');
    await read(res.body);
    wait = retryMs;
  } catch {
    // Reported just below, as EventSource reports it: one `error`, then a new attempt.
  }
  emit('error');
  setTimeout(connect, wait);
}

/** Reads events until the stream ends; a line split across chunks is joined once, when it ends. */
async function read(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const event = { type: '', data: [] };
  let pending = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    let start = 0;
    for (;;) {
      const end = value.indexOf('\n', start);
      if (end < 0) {
        if (start < value.length) pending.push(start === 0 ? value : value.slice(start));
        break;
      }
      pending.push(value.slice(start, end));
      const line = pending.length === 1 ? pending[0] : pending.join('');
      pending = [];
      field(event, line.endsWith('\r') ? line.slice(0, -1) : line);
      start = end + 1;
    }
  }
}

/** One line of the stream: a field of the event being read, or the blank line that ends it. */
function field(event, line) {
  if (line === '') {
    if (event.data.length > 0) emit(event.type || 'message', event.data.join('\n'));
    event.type = '';
    event.data = [];
    return;
  }
  if (line.startsWith(':')) return;
  const colon = line.indexOf(':');
  const name = colon < 0 ? line : line.slice(0, colon);
  let value = colon < 0 ? '' : line.slice(colon + 1);
  if (value.startsWith(' ')) value = value.slice(1);
  if (name === 'event') event.type = value;
  else if (name === 'data') event.data.push(value);
  else if (name === 'retry' && /^\d+$/.test(value)) retryMs = Number(value);
}

connect();
