// The dashboard's live stream (docs/dashboard.md "The event stream"): opens /api/events, and
// reopens it itself when the browser gives up. EventSource retries on its own only after a
// dropped connection; an HTTP answer other than 200 (the hub's 503 when 16 streams are open, a
// proxy's 502 while the daemon restarts, a 401) closes it for good. Then this waits 2 s, doubling
// up to 30 s (with ±20 % jitter so that many pages do not come back at once), and says so on the
// connection line. A 401 is told by asking a small page of the dashboard once: the page then
// needs credentials, which only a reload can ask for.

const FIRST_DELAY_MS = 2_000;
const MAX_DELAY_MS = 30_000;

/**
 * Connects to `url` and keeps connected. `handlers` maps event names (snapshot, update) to
 * functions of the parsed data; `line` is the connection line (its data-state and text are set).
 */
export function keepConnected(url, handlers, line) {
  let delay = FIRST_DELAY_MS;

  const say = (state, text) => {
    line.dataset.state = state;
    line.textContent = text;
  };

  const open = () => {
    const source = new EventSource(url);
    source.addEventListener('open', () => {
      delay = FIRST_DELAY_MS;
      say('live', 'Live');
    });
    for (const [name, handle] of Object.entries(handlers))
      source.addEventListener(name, (e) => handle(JSON.parse(e.data)));
    source.addEventListener('error', () => {
      // CONNECTING: the browser retries by itself (a dropped stream).
      if (source.readyState !== EventSource.CLOSED) {
        say('offline', 'Connection lost, reconnecting…');
        return;
      }
      source.close();
      void refused().then((why) => {
        if (why === 'credentials') {
          say('offline', 'The dashboard needs credentials: reload the page to sign in.');
          return;
        }
        const wait = Math.round(delay * (0.8 + Math.random() * 0.4));
        delay = Math.min(delay * 2, MAX_DELAY_MS);
        say('offline', `${why}, retrying in ${Math.ceil(wait / 1000)} s`);
        setTimeout(open, wait);
      });
    });
  };

  open();
}

/** Why the stream was closed, as far as a HEAD of a small dashboard file tells. */
async function refused() {
  try {
    const answer = await fetch('/ui/favicon.svg', { method: 'HEAD', cache: 'no-store' });
    if (answer.status === 401) return 'credentials';
    return answer.ok ? 'Live stream refused' : `Dashboard answered HTTP ${answer.status}`;
  } catch {
    return 'Daemon unreachable';
  }
}
