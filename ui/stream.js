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
// server's `retry` delay. Unlike EventSource, a refused one (an HTTP error) is tried again too,
// after a wait that doubles with each refusal in a row (at least its Retry-After, at most 30 s);
// a 401 is reported and not retried. The `error` event's data says which
// (`{reason: 'lost' | 'refused' | 'credentials', status?, retryInMs}`).

let early = [];
let listener = null;
let retryMs = 3000;
/** Attempts refused in a row: the wait doubles with each (up to 30 s), with jitter. */
let refusals = 0;
const MAX_WAIT_MS = 30_000;

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
  let error = { reason: 'lost', retryInMs: wait };
  try {
    const res = await fetch('/api/events', { headers: { accept: 'text/event-stream' }, cache: 'no-store' });
    if (!res.ok || !res.body) {
      // Refused (503 at the cap, a proxy's 502 while the daemon restarts, 401): the wait grows with
      // each refusal in a row, never below the server's Retry-After, with jitter so that many pages
      // do not come back at once. A 401 is not retried: only a reload can ask for credentials.
      refusals++;
      const asked = Number(res.headers.get('retry-after') ?? 0) * 1000 || 0;
      const grown = Math.min(retryMs * 2 ** (refusals - 1), MAX_WAIT_MS);
      wait = Math.round(Math.max(asked, grown) * (0.8 + Math.random() * 0.4));
      error = { reason: res.status === 401 ? 'credentials' : 'refused', status: res.status, retryInMs: wait };
      throw new Error(`HTTP ${res.status}`);
    }
    refusals = 0;
    emit('open');
    await read(res.body);
    wait = retryMs;
    error = { reason: 'lost', retryInMs: wait };
  } catch {
    // Reported just below, as EventSource reports it: one `error`, then a new attempt.
  }
  emit('error', error);
  if (error.reason !== 'credentials') setTimeout(connect, wait);
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
